"""Moderation precision on a hand-written corpus (issue 10): criticism is kept whatever its tone, a
link in a complaint is evidence; only what says nothing about what is wrong may be hidden."""

from __future__ import annotations

import pytest

from api.engine import BrandContext, triage_mention
from tests.engine.factories import CONFIG, NOW, make_mention

BRAND = BrandContext(handles=("@acme", "@marque"), aliases=("ACME", "Marque"))

RUDE_BUT_LEGITIMATE = [
    # en
    "@acme spoken to like I'm an idiot by your call centre, not OK",
    "@acme app error: click here, the link doesn't work https://acme.com/reset",
    "@acme your useless app crashed AGAIN, wtf is wrong with you people",
    "@acme f*** this, my parcel is 3 weeks late and nobody answers",
    "@acme you charged me twice you clowns, fix it",
    "@acme screw your hold music, 2 hours waiting for an agent",
    "what a joke @acme, the free upgrade you promised never arrived",
    "@acme photos of the damage: https://imgur.com/a/x1 https://imgur.com/a/x2",
    "@acme the driver was a total jerk and threw my box on the porch",
    "@acme this is bullshit, my account is locked for no reason",
    "@acme damn it, the update bricked my phone",
    "@acme your support is garbage, ticket #55321 ignored for a week",
    "@acme shitty service, no internet since monday",
    "@acme morons at the store refused my return with a receipt",
    "@acme click here they said, and now my card is charged 3 times",
    "@acme win a prize? I'd rather win a working router, mine is dead",
    "@acme free shipping my ass, charged me 15 dollars",
    "@acme the screenshots https://bit.ly/abc show the error, still broken",
    "@acme idiots cancelled my flight without telling me",
    "@acme stfu about the giveaway and answer my complaint about the refund",
    "@acme hell no, I'm not paying that bill, it's wrong",
    "@acme you guys suck, the app logs me out every 5 minutes",
    "@acme crap quality, the zip broke on day one",
    "@acme losers can't even deliver a pizza warm",
    "@acme bloody trains late again, missed my interview",
    "@acme piece of shit kettle leaks everywhere",
    "@acme go to hell with your hidden fees on my bill",
    "@acme dumbest checkout ever, payment fails every time",
    "@acme here is the video of the broken seat https://youtu.be/xyz, sort it out",
    "@acme your staff laughed at my disabled son, disgusting",
    "@acme check my dm, nobody replied about the stolen package",
    # fr
    "@marque bande de voleurs, vous m'avez facturé deux fois",
    "@marque vous êtes des guignols, toujours pas de réseau depuis 4 jours",
    "@marque service client de merde, personne ne répond",
    "@marque putain de box qui plante tous les soirs",
    "@marque cliquez ici disaient-ils, et le lien de paiement ne marche pas",
    "@marque voilà les photos du colis écrasé http://imgur.com/a/y1 http://imgur.com/a/y2",
    "@marque bande de nuls, ma commande est perdue",
    "@marque espèces d'incapables, trois rendez-vous manqués par le technicien",
    "@marque c'est une arnaque votre offre gratuite, on m'a prélevé 30€",
    "@marque vos conseillers sont des abrutis, mon dossier est bloqué",
    "@marque gagnez du temps, répondez à mes mails au lieu de faire des concours",
    "@marque j'en ai ras le bol de vos retards à la con",
    "@marque merde, encore une coupure de courant chez moi",
    "@marque foutage de gueule, remboursement refusé sans explication",
    "@marque le livreur m'a parlé comme à un chien, inadmissible",
    "@marque code promo qui ne marche pas, vous vous moquez de nous",
    "@marque mon ticket de caisse en photo https://imgur.com/z, le produit est cassé",
    "@marque ta gueule avec tes pubs, répare ma ligne plutôt",
    "@marque vous êtes des escrocs, frais cachés sur ma facture",
    "@marque nul à chier le service, 2h d'attente au téléphone",
    "@marque débiles, vous avez annulé mon train sans prévenir",
    "@marque connards de la hotline qui raccrochent au nez",
    "@marque bordel, l'appli bancaire est encore en panne",
    "@marque c'est de la merde votre nouveau forfait, plus cher et moins de data",
    "@marque vos vendeurs sont des malpolis, aucun respect",
    "@marque lien vers ma réclamation https://marque.fr/reclam/123, toujours rien",
    "@marque sérieux, la batterie du téléphone est morte après un mois",
    "@marque bande de clowns, le colis est arrivé ouvert et vide",
    "@marque enfoirés, vous m'avez coupé la ligne alors que j'ai payé",
    "@marque le site plante, j'ai cliqué 10 fois sur le lien de paiement",
]

PURE_ABUSE = [
    # insults and trolling, nothing said about what is wrong
    "fuck you acme",
    "You are all idiots and morons",
    "acme = scum, all of you",
    "screw you and your whole family",
    "what a bunch of losers lol",
    "bitch please",
    "asshole company full of assholes",
    "go to hell acme",
    "lol cry more, stay mad",
    "cope harder acme fanboys",
    "ratio + L + stay mad",
    "trololo triggered",
    "stfu nobody asked",
    "bande de connards",
    "ta gueule",
    "va te faire voir",
    "allez vous faire foutre",
    "pauvres cons",
    "enfoirés va",
    "sales bouffons",
    "ouin ouin pleure encore",
    "bande de guignols",
    "fdp",
    "abrutis finis",
    # hate
    "go back to your country, vermin",
    "subhuman scum should be exterminated",
    "death to all of them",
    "white power forever",
    "inferior race, gas them",
    "retourne dans ton pays",
    "sous race de vermine",
    "mort aux étrangers",
    "rentrez chez vous les immigrés, vermine",
    "race inférieure à exterminer",
    # spam
    "Win a free iPhone, click here http://bit.ly/free1",
    "giveaway winner announced! claim your prize http://tinyurl.com/x",
    "make money fast with crypto, dm for details http://bit.ly/c",
    "earn money from home, guaranteed profit http://t.co/x",
    "check my profile, link in bio, onlyfans",
    "free bitcoin investment opportunity http://rb.gy/a",
    "promo code FREE50 click here http://ow.ly/p",
    "casino bonus free spins http://cutt.ly/k",
    "viagra cheap http://is.gd/v",
    "follow back for a giveaway, free followers, dm for promo",
    "Gagnez un iPhone gratuit ici http://bit.ly/xxxx http://bit.ly/yyyy",
    "concours gratuit cliquez ici http://bit.ly/c",
    "code promo offert, lien en bio",
    "gagner de l'argent facile, investissement garanti http://t.co/i",
    "visitez mon site gratuit http://bit.ly/s http://bit.ly/t",
    "cadeau offert, cliquez http://goo.gl/g",
    "http://a.co/1 http://a.co/2 http://a.co/3 http://a.co/4",
    # doxxing
    "Here is her address: 12 rue des Lilas, call her at 06 12 34 56 78",
    "his address is 221 Baker Street, go harass him",
    "she lives at 5 Elm Street, her number is 555-123-4567",
    "call him at +33 6 11 22 33 44, he lives rue de la Paix",
    "son adresse : 3 rue Victor Hugo, appelez le au 06 98 76 54 32",
    "elle habite au 8 avenue Foch, son numéro 07 11 22 33 44",
    "il habite 14 boulevard Voltaire, harcelez le",
    "her email is jane.doe@example.com, her phone 0612345678",
    "leur adresse 2 impasse des Roses, son tel 0601020304",
]


def test_the_corpus_is_large_enough() -> None:
    assert len(RUDE_BUT_LEGITIMATE) >= 60
    assert len(PURE_ABUSE) >= 60


@pytest.mark.parametrize("text", RUDE_BUT_LEGITIMATE)
def test_rude_criticism_is_kept_and_answered(text: str) -> None:
    language = "fr" if "@marque" in text else "en"
    mention = make_mention(text, score=None, language=language)
    triage = triage_mention(mention, now=NOW, config=CONFIG, brand=BRAND)
    assert triage.moderation.value == "keep", triage.reasons
    assert triage.tier.value != "watch", [r.code for r in triage.reasons]


@pytest.mark.parametrize("text", PURE_ABUSE)
@pytest.mark.parametrize("language", ["en", "fr", None])
def test_content_that_says_nothing_about_what_is_wrong_is_hidden(
    text: str, language: str | None
) -> None:
    mention = make_mention(text, score=None, language=language)
    triage = triage_mention(mention, now=NOW, config=CONFIG, brand=BRAND)
    assert triage.moderation.value == "hide", [r.code for r in triage.reasons]
