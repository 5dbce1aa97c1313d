"""The registry of conventions: how audit bodies print a recommendation, one named entry each.

Why: a new report family should be an addition (one entry: a pattern, the role it plays,
examples it must and must not match), not a branch in a long function. The finders ask the
registry for the patterns of a role (`patterns("label")`); the tests run every entry's
examples, so an entry cannot be added without saying what it accepts and what it refuses.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex as re

from extractors.recommendations import list_patterns as L
from extractors.recommendations import patterns as P


@dataclass(frozen=True)
class Convention:
    name: str  # short, unique: "label-inline", "label-alone"…
    role: str  # what a match means: "label", "summary-number", "list-entry", "list-title"…
    pattern: re.Pattern
    matches: tuple[str, ...]  # lines it must match
    refuses: tuple[str, ...]  # lines it must not match (cross-references, prose, dates…)
    source: str = ""  # where the convention was seen
    anywhere: bool = False  # True: found inside a line (search), else it opens the line (match)

    def find(self, text: str) -> re.Match | None:
        return self.pattern.search(text) if self.anywhere else self.pattern.match(text)


REGISTRY: tuple[Convention, ...] = (
    Convention(
        "label-inline", "label", P.STATEMENT,
        ("Recommandation n°7 : Renforcer les moyens", "Préconisation n° 4 : Confier",
         "Recommandation n° 7 (DGCS) : Garantir", "RECOMMANDATION N° 3 : Renforcer les moyens"),
        ("référentiel complet (cf. recommandation n°27).", "Recommandation n°7 de la Cour des comptes reste",
         "recommandation n° 3 : en lettres minuscules"),
        "IGAS 2019 p. 12 (boxed)"),
    Convention(
        "label-alone", "label-alone", P.LABEL_ALONE,
        ("Recommandation n°1 :", "Recommandation n° 1:", "Recommandation 36", "Recommandations n° 21 :",
         "Recommandation°11 :", "Recommandation n° 57_ :", "Recommandation n°8", "Recommandation N° 10:"),
        ("Recommandation 2019", "Recommandation n°7 de la Cour", "recommandation n° 3 :",
         "Recommandation n°1 : La Cour demande"),
        "Cour des comptes du Sénégal: Dakar Dem Dikk p. 12, Parcelles Assainies p. 121"),
    Convention(
        "label-lead-in", "label-lead-in", P.LABEL_LEAD_IN,
        ("Recommandation n°28 la Cour recommande à Monsieur Oumar SANE, Directeur de",
         "Recommandation 4 La Cour demande au maire de veiller"),
        ("Recommandation n°7 de la Cour des comptes reste d'actualité",
         "Recommandation 3 la Cour l’a déjà formulée en 2015"),
        "Cour des comptes du Sénégal, semences arachidières (2022)"),
    Convention(
        "label-bare", "label-bare", P.BARE_LABEL,
        ("n° 01", "°33", "n° 57_ :", "N° 4 :"),
        ("n° 2013-10", "N°395/MCIG", "n° 864 précité.", "n° 12 du 3 mars"),
        "Cour des comptes du Sénégal (a label printed without its keyword)"),
    Convention(
        "generic-office", "generic-office", P.GENERIC_OFFICE,
        ("maire", "Maire", "Directeur général", "Président du Conseil d’Administration", "Agent comptable",
         "receveur municipal", "comptable des matières"),
        ("Directeur général du CETUD", "Ministre des Finances et du Budget", "représentant de l’Etat",
         "Directeur général de l’ANAMO"),
        "Cour des comptes du Sénégal: Dakar Dem Dikk, Parcelles Assainies"),
    Convention(
        "audited-body", "audited-body", P.AUDITED_BODY,
        ("CONTROLE DE LA GESTION DE LA COMMUNE DES PARCELLES ASSAINIES PERIODE 2015 A 2018",
         "RAPPORT DEFINITIF SUR LE CONTRÔLE DE LA GESTION DE LA COMMUNE DE GORÈE 2017-2020",
         "CONTROLE DE LA GESTION DE L’AGENCE NATIONALE DE LA MAISON DE L’OUTIL (ANAMO)"),
        ("RAPPORT PUBLIC GENERAL ANNUEL 2017", "CHAMBRE DES COLLECTIVITES TERRITORIALES"),
        "Cour des comptes du Sénégal, covers", anywhere=True),
    Convention(
        "audited-title", "audited-title", P.AUDITED_TITLE,
        ("SOCIETE DAKAR DEM DIKK (3D) Exercices 2017-2020",
         "AGENCE DE CONSTRUCTION DES BATIMENTS ET DES EDIFICES PUBLICS (ACBEP) Exercices 2017-2021"),
        ("RAPPORT PUBLIC GENERAL ANNUEL 2017", "R A P P O R T D’ACTIVITÉS 2 0 2 3"),
        "Cour des comptes du Sénégal, covers set in the largest type"),
    Convention(
        "prose-en", "prose", P.PROSE_EN,
        ("We recommend that the Secretary of Agriculture educate all states",
         "We are therefore recommending that the Director of OMB require",
         "Therefore, we recommend that the Secretary of Energy take the lead"),
        ("GAO recommends that the Secretary of Agriculture educate", "USDA agreed with our recommendation",
         "we recommend these actions"),
        "GAO-06-282 p. 35, GAO-06-1046 p. 40, GAO-07-283"),
    Convention(
        "prose-fr", "prose", P.PROSE_FR,
        ("L’IGE recommande que le ministre veille", "La mission recommande de confier",
         "Le Contrôle général recommande d’abroger"),
        ("il a été recommandé de renforcer les pouvoirs", "L’Office national recommande :",
         "La Cour recommande au maire de veiller"),
        "IGE 2017 (by OCR), IGAS"),
    Convention(
        "addressee-first", "addressee-first", P.ADDRESSEE_FIRST,
        ("Au ministre de l’Education nationale, de veiller", "A l’Ordre national des Experts comptables",
         "Aux collectivités territoriales de"),
        ("Affaire Seyni TOURE contre la Maison", "Autorité de régulation", "Avec le concours de"),
        "OFNAC 2021 p. 92"),
    Convention(
        "label-short", "label", P.SHORT_STATEMENT,
        ("R7 – Renforcer les moyens", "R12 : Partitionnement type", "R1"),
        ("R121-12-2 du code de l'action sociale", "RGPD : règlement", "R7 est appliqué"),
        "ANSSI guide (R1–R69)"),
    Convention(
        "summary-number-cell", "summary-number", P.NUMBER_CELL,
        ("7", "R7", "n° 7", "Recommandation n° 7", "7 – page 40"),
        ("Premier ministre", "2016", "7 avril", "page 40"),
        "IGAS 2019 pp. 5-7"),
    Convention(
        "summary-number-lead", "summary-number", P.NUMBER_LEAD,
        ("8 – page", "12.", "R7 -", "n° 3"),
        ("1,5 %", "2.3 Les violences", "2019", "3 victimes"),
        "IGAS 2019 p. 6 (a number cell cut by its wrap)"),
    Convention(
        "list-entry-labelled", "list-entry", P.LIST_ENTRY,
        (". R31 . I R E Sécurisation des services", "Recommandation n°3 : Élaborer", "R3 – Confier"),
        ("Les recommandations de la mission", "Premier ministre"),
        "ANSSI guide p. 59"),
    Convention(
        "list-item-numbered", "list-entry", P.PLAIN_ITEM,
        ("1. Renforcer le pilotage (ministère de l'intérieur).", "12) Confier à la DGCS"),
        ("1.5 million d'euros", "2. les services", "2019. Le rapport"),
        "Cour des comptes (France), liste des recommandations"),
    Convention(
        "list-title", "list-title", P.LIST_TITLE,
        ("LISTE DES RECOMMANDATIONS", "Annexe n° 2 : Synthèse des recommandations",
         "RÉCAPITULATIF DES RECOMMANDATIONS"),
        ("Les recommandations de la mission", "Liste des personnes rencontrées"),
        "IGAS, Cour des comptes"),
    Convention(
        "owner-trailing-parenthesis", "trailing-owner", P.TRAILING_OWNER,
        ("Renforcer le pilotage (DGCS, DGS).", "Confier l'évaluation (ministère de la justice (DACG))"),
        ("Renforcer le pilotage (DGCS) des services.",),
        "Cour des comptes (France)", anywhere=True),
    Convention(
        "en-heading", "en-heading", P.EN_REC_HEADING,
        ("Recommendations for Executive Action", "Recommendation f or Executive Action"),
        ("Agency Comments and Our Evaluation", "Recommendations"),
        "GAO-07-791 p. 53", anywhere=True),
    Convention(
        "en-item", "en-item", P.EN_ITEM,
        ("1. Consideration, during the promulgation", "7. Develop guidance"),
        ("1.5 million dollars", "2007. The agency"),
        "GAO-07-791 pp. 53-54"),
    Convention(
        "en-lead-in", "en-lead-in", P.EN_LEAD_IN,
        ("we recommend that the Director of OMB take the following seven actions",),
        ("we recommend these actions", "the Director of OMB agreed"),
        "GAO-07-791 p. 53", anywhere=True),
    # Recommendations printed as lists (module lists.py)
    Convention(
        "list-lead-in", "list-lead-in", L.LEAD_IN,
        ("Au regard de ces constats, la Cour formule les recommandations suivantes :",
         "L’Office national de lutte contre la Fraude et la Corruption recommande au Ministre chargé de la Santé :",
         "La mission émet trois recommandations :", "La Cour invite :"),
        ("La Cour a formulé des recommandations en 2012.", "les recommandations suivantes ont été mises en œuvre.",
         "Le tableau suivant présente les effectifs :", "La Cour invite le Directeur général à :"),
        "Cour des comptes 2017 (haut débit) p. 82; OFNAC 2023 p. 90", anywhere=True),
    Convention(
        "lead-in-owner", "lead-in-owner", L.LEAD_IN_OWNER,
        ("L’Office recommande au Ministre chargé de la Santé :", "La Cour recommande au Délégué général de :",
         "L’Office recommande au Gouvernement d’examiner la possibilité :"),
        ("la Cour formule les recommandations suivantes :", "La Cour recommande :"),
        "OFNAC 2023 p. 90, OFNAC 2021 p. 93", anywhere=True),
    Convention(
        "replies-part", "replies-title", L.REPLIES_TITLE,
        ("REPONSES DES ORGANISMES CONCERNES", "Réponses des administrations et organismes concernés",
         "Réponse du ministre de l’économie"),
        ("Les réponses apportées par la mission", "Recommandations", "Réponse"),
        "Cour des comptes du Sénégal 2017 p. 254"),
    Convention(
        "summary-wording-header", "summary-wording-header", L.SUMMARY_TEXT_HEADER,
        ("Libellé de la recommandation", "Intitulé de la recommandation"),
        ("Recommandation", "Libellé du compte"),
        "Cour des comptes du Sénégal 2017 pp. 236-251"),
    Convention(
        "summary-owner-header", "summary-owner-header", L.SUMMARY_OWNER_HEADER,
        ("Destinataire", "Destinataire de la recommandation"),
        ("La Cour demande au destinataire", "Recommandation"),
        "Cour des comptes du Sénégal 2017 pp. 236-251"),
    Convention(
        "list-heading", "list-heading", L.LIST_HEADING,
        ("IV. Les recommandations de la Cour", "Recommandations", "____RECOMMANDATIONS____"),
        ("Les recommandations de la Cour ont été suivies d'effet", "Liste des personnes rencontrées",
         "Suivi des recommandations"),
        "Cour des comptes du Sénégal 2017 p. 73; la Poste 2016 p. 136"),
    Convention(
        "list-item-numbered-any", "list-item", L.NUMBERED_ITEM,
        ("1. (État) : compléter et actualiser", "20.veiller au respect de l’arrêté", "3- La Cour demande au MEFP",
         "12) accélérer le processus"),
        ("2.1 Les réseaux d'initiative publique", "1-2 millions", "2019 fut une année"),
        "Cour des comptes 2017 p. 82; OFNAC 2023 p. 91; Cour des comptes du Sénégal 2017 p. 73"),
    Convention(
        "list-item-bullet", "list-bullet", L.BULLET_ITEM,
        ("• le renforcement des pouvoirs", "\uf0b7 élaborer des scénarios", "➢ veiller à", "- au maire de Gorée"),
        ("Le renforcement des pouvoirs", "1. compléter"),
        "OFNAC 2023 p. 90; la Poste 2016 p. 136"),
    Convention(
        "item-owner-parenthesis", "item-owner", L.ITEM_OWNER,
        ("(État) : compléter et actualiser", "(Arcep, État, collectivités territoriales) : traiter",
         "(ministre chargé de l’économie, Bpifrance) articuler les doctrines"),
        ("(2030) et au-delà", "compléter (État) : et", "(voir ci-dessous) Le rapport"),
        "Cour des comptes 2017 (haut débit) p. 82"),
    Convention(
        "owner-heading", "owner-heading", L.OWNER_HEADING,
        ("Recommandations à l’État :", "Recommandations à La Poste :",
         "Recommandations aux actionnaires (État et Caisse des dépôts et consignations) et à La Poste :"),
        ("Recommandations", "Récapitulatif des recommandations", "Recommandations de la Cour"),
        "la Poste 2016 p. 140"),
)


def patterns(role: str) -> tuple[re.Pattern, ...]:
    """The patterns of every convention playing `role`, in registry order."""
    return tuple(c.pattern for c in REGISTRY if c.role == role)


def matches(role: str, text: str) -> re.Match | None:
    """The first match of `text` against the conventions of `role` (anchored at its start)."""
    for c in REGISTRY:
        m = c.find(text) if c.role == role else None
        if m:
            return m
    return None
