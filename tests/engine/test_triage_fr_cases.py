"""French customer traffic written for Vigie (issue 10): ISP, transport, retail, bank, food; written
to the brand or about it; polite, rude, sarcastic. Each case says which tiers the playbook allows.

- Written to the brand (`@marque`) and asking or complaining: an answer, `move_to_private` when it
  is the customer's own case, `respond_publicly` when it is shared or a plain question.
- About the brand, nobody reacting: a critique stays `watch`; the customer's own problem may be
  followed up in private; a severe issue is never `watch`.
- Praise and chit-chat: `watch`.
"""

from __future__ import annotations

import pytest

from api.engine import BrandContext, Tier, triage_mention
from tests.engine.factories import CONFIG, NOW, make_mention

BRAND = BrandContext(handles=("@marque", "@marque_sav"), aliases=("Marque",), name="Marque")
MP = "move_to_private"
RP = "respond_publicly"
W = "watch"
EX = "executive_statement"
ANSWER = frozenset({MP, RP})
PRIVATE = frozenset({MP})
PUBLIC = frozenset({RP})
WATCH = frozenset({W})
NOT_WATCH = frozenset({MP, RP, EX})

# One person's own case, written to the brand: private.
PERSONAL_TO_BRAND = [
    # ISP
    "@marque ça fait 5 jours sans internet et aucune info, vous pouvez m'aider ?",
    "@marque ma box ne s'allume plus depuis l'orage, que dois-je faire ?",
    "@marque bonjour, je n'arrive pas à me connecter à mon espace client, merci de votre aide",
    "@marque toujours pas de technicien depuis 3 jours, c'est quand que vous venez ?",
    "@marque_sav mon forfait a été prélevé deux fois ce mois-ci, je veux être remboursé",
    "@marque je n'ai toujours pas reçu ma nouvelle carte SIM, merci de regarder",
    "@marque ma ligne est coupée depuis lundi, personne ne me rappelle",
    "@marque bravo, encore une coupure chez moi, troisième fois cette semaine !",
    "@marque merci beaucoup pour la facture à 90€ alors que je paie 30€, génial...",
    "@marque vous êtes nuls, ma fibre ne marche toujours pas, remboursez-moi",
    # transport
    "@marque mon train a été annulé et je n'arrive pas à me faire rembourser le billet",
    "@marque ma valise n'est jamais arrivée à Nice, comment je fais ?",
    "@marque bonjour, mon vol est annulé, pouvez-vous me replacer sur le suivant svp ?",
    "@marque_sav j'attends mon remboursement depuis 2 mois, c'est une honte",
    "@marque le contrôleur m'a mis une amende alors que mon billet était valide, "
    "je demande une explication",
    "@marque ma réservation a disparu de l'appli, je pars demain, aidez-moi",
    "@marque j'ai raté ma correspondance à cause de votre retard, qui me dédommage ?",
    # retail
    "@marque ma commande n°48213 n'est jamais arrivée, pouvez-vous vérifier ?",
    "@marque mon colis est arrivé déchiré et vide, je fais comment ?",
    "@marque j'ai reçu la mauvaise taille et le retour est impossible sur le site",
    "@marque bonjour, le remboursement de mon retour n'apparaît toujours pas, merci",
    "@marque super, ma commande livrée chez le voisin qui n'existe pas, merci du suivi !",
    "@marque_sav mon aspirateur est tombé en panne après 2 semaines, je veux un échange",
    "@marque la vendeuse a refusé mon avoir, c'est inadmissible, j'exige une réponse",
    "@marque ma carte cadeau ne fonctionne pas en caisse, que faire ?",
    # bank
    "@marque ma carte bancaire est bloquée depuis hier et je suis à l'étranger, aidez-moi",
    "@marque on m'a prélevé des frais que je ne comprends pas, pouvez-vous m'expliquer ?",
    "@marque je n'arrive plus à valider mes virements dans l'appli depuis la mise à jour",
    "@marque bonjour, mon conseiller ne répond plus depuis 3 semaines, merci de me recontacter",
    "@marque_sav bande d'incompétents, mon prêt est bloqué depuis un mois sans explication",
    # food
    "@marque j'ai trouvé un cheveu dans ma salade, je demande un remboursement",
    "@marque ma commande est arrivée froide et il manquait les boissons",
    "@marque bonjour, le livreur n'est jamais venu et j'ai été débité, merci de regarder",
    "@marque il manquait la moitié de mon menu, c'est la deuxième fois",
]

# Sarcasm around a problem, written to the brand: answered (the case may be one person's or the
# whole platform's, so either tier).
SARCASTIC_TO_BRAND = [
    "@marque merci pour les 3 heures d'attente sur le quai sans aucune info, top",
    "@marque merci pour le virement perdu, vraiment au top la banque en ligne",
    "@marque génial, une heure de retard et un burger écrasé, merci !",
    "@marque bravo pour la mise à jour qui a tout cassé, quel talent",
    "@marque super, le train supprimé au dernier moment, comme d'habitude",
]

# Written to the brand about a shared issue or asking a plain question: public.
PUBLIC_TO_BRAND = [
    "@marque panne internet dans tout le quartier depuis ce matin, vous avez une info ?",
    "@marque le réseau mobile est en panne dans toute la ville, c'est pour quand le retour ?",
    "@marque est-ce que l'offre fibre est disponible à Lyon ?",
    "@marque à quelle heure ouvre l'agence le samedi ?",
    "@marque pourquoi le prix de l'abonnement augmente encore ? "
    "On est nombreux à se poser la question",
    "@marque tous les trains de la ligne sont en retard ce matin, que se passe-t-il ?",
    "@marque vos toilettes dans le TGV sont dans un état lamentable, franchement",
    "@marque les horaires affichés en gare sont faux, personne ne sait rien",
    "@marque vous comptez réouvrir le magasin de Rennes ?",
    "@marque le site est inaccessible depuis une heure, impossible de commander",
    "@marque votre nouvelle pub est vraiment de mauvais goût",
    "@marque l'appli bancaire plante chez tout le monde depuis la mise à jour",
    "@marque vous avez des options végétariennes dans vos menus ?",
    "@marque pourquoi vos frais de livraison ont doublé ?",
]

# About the brand, not to it, nobody reacting: a critique to watch.
CRITIQUE_ABOUT = [
    "Franchement Marque c'est de pire en pire",
    "La pub de Marque est ringarde",
    "Les tarifs de Marque sont devenus délirants",
    "Bof, le nouveau menu de Marque ne m'a pas convaincu",
    "Marque, la banque qui aime les frais",
    "J'aime pas trop la nouvelle appli de Marque, moins claire qu'avant",
    "Encore une campagne de pub ratée pour Marque",
    "Le service de Marque n'est plus ce qu'il était",
    "Marque et la qualité, ça fait deux",
    "Leur nouveau logo est vraiment moche",
    "Quelle idée de racheter Marque, les clients vont fuir",
    "Marque toujours aussi cher pour un service moyen",
]

# Praise, thanks and chit-chat: nothing to answer.
PRAISE = [
    "@marque merci pour la rapidité de la livraison, parfait !",
    "@marque bravo à l'équipe du magasin de Lille, super accueil",
    "Super week-end grâce au TGV de Marque, à l'heure et confortable",
    "@marque j'adore la nouvelle collection",
    "Très contente de mon conseiller Marque, vraiment à l'écoute",
    "@marque merci pour votre aide hier, tout fonctionne maintenant",
    "Le burger de Marque est une tuerie",
    "Vivement la sortie du nouveau menu Marque",
    "@marque bonne année à toute l'équipe !",
    "Marque a enfin ouvert une boutique près de chez moi, trop bien",
]

# Severe issues: never watch, written to the brand or not.
SEVERE = [
    "@marque mon fils a fait une réaction allergique après votre biscuit sans allergènes",
    "Morceaux de verre dans le petit pot de Marque, mon bébé aurait pu s'étouffer",
    "Intoxication alimentaire après le repas chez Marque, toute la famille aux urgences",
    "Le chauffeur du bus Marque roulait dangereusement, il a failli renverser un enfant",
    "@marque une passagère a été agressée dans le train, merci de votre réponse rapide",
    "Fuite de données chez Marque : mes coordonnées bancaires sont dans la nature",
    "Le vendeur de Marque a tenu des propos racistes à mon mari",
    "La batterie de la trottinette Marque a pris feu dans mon salon",
    "@marque votre appli a été piratée et on m'a vidé mon compte",
    "On va porter plainte contre Marque pour pratiques commerciales trompeuses",
]

# The customer's own problem, about the brand, not written to it: followed up privately (the
# playbook's individual case) or, at the least, not lost in a public answer.
PERSONAL_ABOUT = [
    "Ma commande Marque n'est toujours pas arrivée, ça fait 10 jours",
    "Je n'arrive pas à résilier mon abonnement Marque, quelqu'un sait comment faire ?",
    "Mon colis Marque est marqué livré mais je n'ai rien reçu",
    "J'ai été prélevé deux fois par Marque, je veux être remboursé",
    "Ma carte Marque refusée partout depuis ce matin, je fais comment ?",
    "Toujours pas de remboursement de Marque pour mon vol annulé",
    "Ma box Marque redémarre toute seule depuis 3 jours, j'en peux plus",
    "Mon train Marque annulé, impossible de me faire rembourser",
]

# More traffic of every kind, each with the tiers the playbook allows.
MIXED = [
    ("@marque vous livrez le dimanche ?", PUBLIC),
    ("@marque c'est possible de changer l'adresse de livraison après commande ?", ANSWER),
    ("@marque le wifi dans le train ne marche jamais, à quoi bon le proposer ?", ANSWER),
    ("@marque votre appli est une catastrophe depuis la mise à jour", ANSWER),
    ("@marque franchement vos pubs à la radio sont insupportables", ANSWER),
    ("@marque_sav toujours aucune réponse à mon mail du 3 mars", PRIVATE),
    ("@marque j'ai perdu mon téléphone dans le bus 42, quelqu'un l'a rapporté ?", PRIVATE),
    ("@marque je voudrais résilier mon contrat, c'est possible en ligne ?", ANSWER),
    ("@marque ça fait 20 minutes que j'attends au guichet, un seul agent ouvert", PRIVATE),
    ("@marque on est nombreux sans réseau à Brest depuis hier soir", PUBLIC),
    ("@marque merci de m'avoir remboursé si vite, au top", WATCH),
    ("@marque trop bien la nouvelle carte, bravo", WATCH),
    ("Marque augmente encore ses prix, sans surprise", WATCH),
    ("Le nouveau magasin Marque est trop petit", WATCH),
    ("Marque rate encore le virage du numérique", WATCH),
    ("Je préférais l'ancienne recette de Marque", WATCH),
    ("Pas fan du nouveau design de l'appli Marque", WATCH),
    ("Marque, toujours les mêmes pubs à la télé", WATCH),
    ("Qui utilise encore Marque en 2026 ?", WATCH),
    ("Je viens de commander chez Marque, on verra bien", WATCH),
    ("Le TGV Marque de 8h est plein comme d'habitude", WATCH),
    ("Déjeuner chez Marque avec les collègues", WATCH),
    ("Marque sponsorise le festival cette année", WATCH),
    ("Vu la nouvelle pub Marque, pas mal du tout", WATCH),
    ("@marque bonjour, pouvez-vous me rappeler au sujet de mon dossier de prêt ?", PRIVATE),
    ("@marque mon remboursement est arrivé, merci beaucoup !", WATCH),
    ("@marque livraison parfaite comme toujours, merci", WATCH),
    ("@marque votre conseillère Julie a été adorable, merci à elle", WATCH),
]

# Rude, but saying what is wrong, written to the brand: kept and answered.
RUDE_TO_BRAND = [
    "@marque bande de voleurs, vous m'avez facturé deux fois ma box",
    "@marque vous êtes des guignols, ça fait une semaine que ma ligne est coupée",
    "@marque service client de merde, personne ne répond depuis 3 jours",
    "@marque vos conseillers sont des incapables, mon dossier est bloqué",
    "@marque putain encore en retard, 40 minutes sur le quai",
    "@marque bande de nuls, mon colis est perdu et vous vous en foutez",
]

CASES: list[tuple[str, frozenset[str]]] = [
    *[(text, PRIVATE) for text in PERSONAL_TO_BRAND],
    *[(text, ANSWER) for text in PUBLIC_TO_BRAND],
    *[(text, WATCH) for text in CRITIQUE_ABOUT],
    *[(text, WATCH) for text in PRAISE],
    *[(text, NOT_WATCH) for text in SEVERE],
    *[(text, PRIVATE) for text in PERSONAL_ABOUT],
    *[(text, ANSWER) for text in RUDE_TO_BRAND],
    *[(text, ANSWER) for text in SARCASTIC_TO_BRAND],
    *MIXED,
]
# The same first-person problems, without the handle: an individual case, never a public answer.
CASES += [
    (text.replace("@marque_sav ", "").replace("@marque ", ""), frozenset({MP, W}))
    for text in PERSONAL_TO_BRAND
    if "?" not in text
]


def test_there_are_at_least_150_french_cases() -> None:
    assert len(CASES) >= 150
    assert len({text for text, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("text", "allowed"), CASES)
@pytest.mark.parametrize("language", ["fr", None])
def test_french_case(text: str, allowed: frozenset[str], language: str | None) -> None:
    mention = make_mention(text, score=None, language=language, followers=300)
    triage = triage_mention(mention, now=NOW, config=CONFIG, brand=BRAND)
    assert triage.tier.value in allowed, (triage.tier, [r.code for r in triage.reasons])
    assert triage.moderation.value == "keep"


@pytest.mark.parametrize("text", [*PUBLIC_TO_BRAND[:2], PUBLIC_TO_BRAND[4]])
def test_a_shared_issue_written_to_the_brand_is_answered_in_public(text: str) -> None:
    triage = triage_mention(
        make_mention(text, score=None, language="fr"), now=NOW, config=CONFIG, brand=BRAND
    )
    assert triage.tier is Tier.respond_publicly
