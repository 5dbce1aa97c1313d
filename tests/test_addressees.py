"""Addressees inside a statement (extractors/recommendations/addressees.py), on sentences
printed in real reports of the Cour des comptes du Sénégal and OFNAC."""
from __future__ import annotations

import pytest

from extractors.recommendations.addressees import addressees, is_generic

DDD = "Dakar Dem Dikk (3D)"


@pytest.mark.parametrize("text, owner, owners", [
    ("La Cour recommande au Président du Conseil d’Administration de : - mettre en place un : • registre",
     "Président du Conseil d’Administration", ("Président du Conseil d’Administration",)),
    ("La Cour demande au : - Ministre des Finances et du Budget de verser intégralement le montant ; "
     "- Directeur général du CETUD, de procéder à l’aménagement des gares ; - Directeur général de : • payer",
     "Ministre des Finances et du Budget ; Directeur général du CETUD ; Directeur général",
     ("Ministre des Finances et du Budget", "Directeur général du CETUD", "Directeur général")),
    ("La Cour invite : - le représentant de l’Etat à faire respecter la parité ; - le maire et le conseil "
     "municipal à veiller au respect desdits textes", "représentant de l’Etat ; maire et le conseil municipal",
     ("représentant de l’Etat", "maire", "conseil municipal")),
    ("La Cour recommande au maire, de concert avec le receveur municipal, de faire des démarches",
     "maire", ("maire",)),
    ("La Cour recommande au : - Président du Conseil d’Administration, en rapport avec le Directeur général "
     "de prendre les mesures", "Président du Conseil d’Administration", ("Président du Conseil d’Administration",)),
    ("La Cour demande : - au maire de veiller à la tenue ; - à M. Cheikh Abdoul Khadre Samb DIAYELA, régisseur "
     "des recettes, de se conformer aux dispositions", "maire ; M. Cheikh Abdoul Khadre Samb DIAYELA, régisseur des recettes",
     ("maire", "M. Cheikh Abdoul Khadre Samb DIAYELA, régisseur des recettes")),
    ("La Cour demande : - au maire d’agir ; - au représentant de l’Etat, responsable du contrôle budgétaire, de "
     "veiller au strict respect", "maire ; représentant de l’Etat, responsable du contrôle budgétaire",
     ("maire", "représentant de l’Etat")),
    ("La Cour demande au Directeur général de veiller : - à la transmission des lettres d’invitation aux candidats ;"
     " - à la convocation des membres", "Directeur général", ("Directeur général",)),
    ("La cour invite le maire au respect du vote du budget avant le 1er avril", "maire", ("maire",)),
    ("La Cour demande, au maire de produire, à l’avenir, les pièces", "maire", ("maire",)),
    ("Au ministre des Finances et du Budget, au ministre du Pétrole et des Energies, de veiller au règlement",
     "ministre des Finances et du Budget, au ministre du Pétrole et des Energies",
     ("ministre des Finances et du Budget", "ministre du Pétrole et des Energies")),
])
def test_addressees_as_printed(text, owner, owners):
    got = addressees(text)
    assert got.owner == owner
    assert got.owners == owners


@pytest.mark.parametrize("text", [
    "Augmenter l’offre d’hébergement spécialisé et l’adapter à l’accueil des enfants.",  # IGAS: no addressee
    "Les produits de l’exploitation ne représentent que 3% des recettes.",
    "La Cour demande : ✓ nommer un comptable des matières titulaire ; ✓ créer une commission.",
    "il a été recommandé de renforcer les pouvoirs des commissions permanentes",  # Assemblée, p. 5
])
def test_no_addressee(text):
    assert addressees(text).owner is None and addressees(text).owners == ()


def test_generic_office_gets_the_audited_body_and_meets_its_qualified_spelling():
    got = addressees("La Cour recommande au : - Ministère en charge des transports terrestres et au Directeur "
                     "général de 3D en rapport avec le CETUD ; - Directeur général de mettre en place", DDD)
    assert got.owner == "Ministère en charge des transports terrestres et au Directeur général de 3D ; Directeur général"
    assert got.owners == ("Ministère en charge des transports terrestres", "Directeur général de 3D")
    assert addressees("La Cour demande au Directeur général de veiller", DDD).owners == ("Directeur général (Dakar Dem Dikk)",)
    assert is_generic("maire") and not is_generic("Directeur général du CETUD")


def test_appositive_title_stays_and_places_after_a_comma_stay():
    got = addressees("La Cour demande au : - Ministre, Secrétaire général de la Présidence de la République de "
                     "veiller à la mise à jour ; - Président du Conseil d’orientation de veiller")
    assert got.owners == ("Ministre, Secrétaire général de la Présidence de la République",
                          "Président du Conseil d’orientation")
    got = addressees("la Cour demande aux Directeurs régionaux du Développement rural (DRDR) de Thiès, Diourbel, "
                     "Kaolack et Kaffrine de veiller")
    assert got.owners == ("Directeurs régionaux du Développement rural (DRDR) de Thiès, Diourbel, Kaolack et Kaffrine",)


@pytest.mark.parametrize("text, owners", [
    # Cour des comptes du Sénégal 2017: addressees without bullets, each followed by its actions
    ("La Cour demande : Au Ministre chargé de l’Environnement de doter la DEEC : • de ressources suffisantes ; "
     "Au Directeur de l’Environnement et des Etablissements Publics Classés : • de veiller à une prise en charge",
     ("Ministre chargé de l’Environnement", "Directeur de l’Environnement et des Etablissements Publics Classés")),
    ("La Cour invite : Le Ministre des Mines et de l’Industrie : • à mettre en place un mécanisme. Le DAGE • à "
     "prendre les mesures idoines", ("Ministre des Mines et de l’Industrie", "DAGE")),
    ("La Cour demande au : Premier Ministre de faire : • prendre toute mesure ; • respecter ses obligations ; "
     "Directeur général de respecter les dispositions", ("Premier Ministre", "Directeur général")),
    ("La Cour invite le : Ministre du Commerce, du Secteur informel, de la Consommation, de la Promotion des "
     "Produits locaux et des PME à assister le CICES ; Directeur général à : • planifier",
     ("Ministre du Commerce, du Secteur informel, de la Consommation, de la Promotion des Produits locaux et des PME",
      "Directeur général")),
    ("La Cour invite fortement le Ministre de l’Economie, des Finances et du Plan à instruire les services",
     ("Ministre de l’Economie, des Finances et du Plan",)),
    ("Le Ministre de l’Économie, des Finances et du Plan • à supprimer la caisse d’avances ; • à mettre en œuvre",
     ("Ministre de l’Économie, des Finances et du Plan",)),
    # the list's lead-in « La Cour invite : » put before an item that opens with its addressee
    ("La Cour invite Le Ministre de l’Économie, des Finances et du Plan • à supprimer la caisse d’avances ; • à "
     "mettre en œuvre les procédures", ("Ministre de l’Économie, des Finances et du Plan",)),
    # a lower-case office after a sentence, then its actions as bullets (2017, DAGE/MIM 3 and 6)
    ("La Cour demande : Au Ministre des Mines et de l’Industrie : • de prendre les dispositions nécessaires. • de "
     "veiller à la nomination de régisseur. Aux chefs du service régional de Matam et de Kédougou : • de tenir les "
     "documents comptables. Aux comptables des matières : • de tenir les livres comptables",
     ("Ministre des Mines et de l’Industrie", "chefs du service régional de Matam et de Kédougou",
      "comptables des matières")),
    # … but a sentence « Au regard de … : » followed by no action is no addressee
    ("La Cour demande au Directeur général de veiller au recrutement. Au regard de la situation : la Cour "
     "rappelle ses observations", ("Directeur général",)),
])
def test_addressees_without_bullets(text, owners):
    assert addressees(text).owners == owners


def test_a_fragment_cut_from_its_sentence_names_no_addressee():
    # a summary row's text that starts mid-sentence: « à l'… » is no lead-in
    assert addressees("à l’exécution normale d’une mission de vérification et prendre toutes les mesures "
                      "utiles").owners == ()
    assert addressees("Au ministre des Finances et au ministre de la Justice, de veiller à la mise en place").owners == (
        "ministre des Finances", "ministre de la Justice")


def test_the_court_itself_is_no_addressee():
    got = addressees("La Cour : - recommande au : o Ministre chargé de la Fonction publique, de veiller à la "
                     "régularité ; - demande au Directeur général de : o veiller au respect")
    assert got.owners == ("Ministre chargé de la Fonction publique", "Directeur général")
