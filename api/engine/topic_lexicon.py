"""French and English vocabulary of the risk topics and of the playbook's cues.

General vocabulary only, written by hand from the crisis-management playbook (docs/risk-model.md):
what people write when something is dangerous, illegal, discriminatory, leaked, down, broken, late…
Ambiguous single words (`fire`, `recall`, `plante`, `défaut`) only appear inside phrases that
disambiguate them, because a false severe topic escalates a harmless mention. Syntax: see
`api.engine.lexicon`.
"""

from __future__ import annotations

from typing import Final

LANGUAGES: Final = ("en", "fr")


def term_list(block: str) -> tuple[str, ...]:
    """Comma- or line-separated entries; `#` starts a comment line."""
    entries: list[str] = []
    for line in block.splitlines():
        if line.strip().startswith("#"):
            continue
        entries.extend(entry.strip() for entry in line.split(",") if entry.strip())
    return tuple(entries)


def terms_by_language(block: str) -> dict[str, tuple[str, ...]]:
    """Entries of each language: a `# en` or `# fr` comment line opens that language's section;
    entries before any such line belong to both."""
    sections: dict[str, list[str]] = {language: [] for language in LANGUAGES}
    current: tuple[str, ...] = LANGUAGES
    for line in block.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            marker = stripped.lstrip("# ").split(":", 1)[0].split()[:1]
            if marker and marker[0] in LANGUAGES:
                current = (marker[0],)
            continue
        for entry in (e.strip() for e in line.split(",")):
            if entry:
                for language in current:
                    sections[language].append(entry)
    return {language: tuple(entries) for language, entries in sections.items()}


def by_language(blocks: dict[str, str]) -> dict[str, dict[str, tuple[str, ...]]]:
    """Language → label → entries, from one block of both languages per label."""
    split = {label: terms_by_language(block) for label, block in blocks.items()}
    return {
        language: {label: terms[language] for label, terms in split.items() if terms[language]}
        for language in LANGUAGES
    }


TOPIC_BLOCKS: Final[dict[str, str]] = {
    "safety": (
        """
        # en
        assault, assaulted, sexually assaulted, attacked me, attacked by, was attacked, punched me,
        groped, stabbed, dangerous, dangerously, danger, hazard*, unsafe, nearly hit, almost hit,
        nearly ran over,
        almost ran over, not safe, isn t safe, safety issue*, safety problem*,
        safety concern*, safety risk*, safety recall*, product recall*, recalled, must recall,
        issue a recall, recall notice, injur*, injured, hurt my, got hurt, got burned, burned my,
        burnt my, severe burns, burn injur*, caught fire, catch fire, catches fire,
        burst into flames, fire hazard, risk of explosion, explosion risk, electrocut*,
        electric shock*, car crash*, car accident*, serious accident*, fatal accident*,
        fatal crash*, fatalit*, was killed, were killed, got killed, killed in, killed by, deadly,
        deaths, death of, death toll, caused a death, someone died, people died, child died,
        someone dies, could die, could have died, almost died, nearly died, almost die,
        nearly die, almost killed, nearly killed, choking,
        choke hazard, pieces of glass, piece of glass, glass found, found glass, broken glass,
        shards,
        sharp edge*, recalls its, recalls their, recalls all, unintended acceleration,
        sudden acceleration
        caused fires, caused a fire, house fire*, melted down
        # fr
        agresse, agressee, agresses, agressees, agression, agressions, agression sexuelle,
        dangereux, dangereuse, dangereuses, dangereusement, a failli renverser,
        failli tuer, failli mourir, failli percuter, a failli ecraser, mise en danger,
        danger de mort, blesse, blessee,
        blesses, blessees, blessure*, brulure*, gravement brule*, s est brule*, me suis brule*,
        incendie, incendies, pris feu, prend feu, prendre feu, risque d explosion, electrocut*,
        accident mortel, accidents mortels, un accident, grave accident, accident de la route,
        accident de voiture, un mort, des morts, trouve la mort, deces, rappel produit,
        rappel de produit*, rappel massif, rappel de securite, rappel conso, rappel des vehicule*,
        probleme de securite, probleme* de securite, question de securite, risque d etouffement,
        etouffement, morceaux de verre, morceau de verre, bris de verre, eclats de verre,
        acceleration involontaire
        """
    ),
    "health": (
        """
        # en
        food poisoning, poisoned, poisoning, got sick, sick after, made me sick, made us sick,
        made my kid sick, fell ill, vomit*, diarrh*, nausea, hospital, hospitals, hospitalized,
        hospitalised, emergency room, allergic reaction*, anaphyla*, allergen*, skin rash,
        got a rash, rashes, infection*, contaminat*, bacteria, salmonella, listeria, e coli, mold,
        moldy, mould, mouldy, toxic chemical*, toxic substance*, toxic ingredient*, toxic fumes,
        toxin*, carcinogen*, cancer*, health risk*, health hazard*, health issue*, side effect*
        raw chicken, raw meat, undercooked, cockroach*, roaches, bed bug*, rat droppings
        # fr
        intoxication*, intoxique*, tombe malade, tombee malade, tombes malades, rendu malade,
        rendue malade, rendus malades, enfant malade, vomi*, diarrhee*, nausee*, hopital, hopitaux,
        hospitalise*, aux urgences, allergi*, reaction allergique, choc anaphylactique,
        plaques rouges, contamin*, bacterie*, salmonelle*, moisi*, moisissure*,
        substance* toxique*, produit* toxique*, ingredient* toxique*, emanation* toxique*,
        cancerigene*, risque sanitaire, scandale sanitaire, alerte sanitaire, effet* secondaire*,
        perturbateur* endocrinien*
        ete malade, ete malades, suis malade, etais malade, etions malades, poulet cru,
        viande crue, pas cuit, pas cuite, cafard*, punaise* de lit, crotte* de rat*
        """
    ),
    "legal": (
        """
        # en
        lawsuit*, sue, sued, suing, class action, in court, to court, court case*, court order*,
        lawyer*, attorney*, illegal*, unlawful, fraud*, investigat*, regulator*, authorities,
        called the police, call the police, criminal charge*, criminal complaint*,
        filed a complaint, file a complaint, consumer protection, breach of contract, violat*,
        fined, subpoena*, indict*, prosecut*, counterfeit*
        # fr
        proces, poursuite* judiciaire*, en justice, action collective, action de groupe, tribunal,
        tribunaux, avocat*, illegal*, illicite*, fraude*, escroquerie*, enquete*, porter plainte,
        porte plainte, deposer plainte, depose plainte, plainte contre, plainte deposee,
        gendarmerie, appeler la police, dgccrf, condamne*, amende*, mise en demeure, prud hommes,
        penal, penale, penaux, penalement, infraction*, contrefacon*
        """
    ),
    "discrimination": (
        """
        # en
        racis*, sexis*, misogyn*, homophob*, transphob*, xenophob*, antisemit*, islamophob*,
        discriminat*, bigot*, ableis*, blackface, sexual harass*, racial profiling, slur, slurs
        # fr
        discrimin*, harcelement sexuel, harcelement moral, grossophob*, validis*, profilage racial,
        delit de facies, propos deplace*
        """
    ),
    "privacy": (
        """
        # en
        data breach*, security breach*, data leak*, leaked data, personal data,
        personal information, customer data, user data, privacy, gdpr, without consent,
        without my consent, without our consent, spying, spy on, hacked, hackers, identity theft,
        phishing
        # fr
        fuite de donnees, fuite des donnees, fuites de donnees, donnees personnelles,
        donnees client*, donnees des client*, vie privee, rgpd, cnil, sans consentement,
        sans mon consentement, sans notre consentement, piratage, pirate, hacke*, espionn*,
        usurpation d identite, hameconnage
        """
    ),
    "outage": (
        """
        # en
        outage*, is down, are down, was down, went down, still down, down again, down for,
        down since, site down, server down, servers down, offline, not loading, won t load,
        can t log in, cannot log in, can t login, can t connect, cannot connect, unable to connect,
        error 500, 500 error, service unavailable, power failure, power outage, blackout, downtime,
        no service
        # fr
        panne, pannes, hors service, hors ligne, inaccessible*, site indisponible,
        service indisponible, appli indisponible, application indisponible, plante depuis,
        plante encore, plante tout, ca plante, tout plante, qui plante, impossible de se connecter,
        impossible de me connecter, impossible de commander, impossible de payer,
        impossible d acceder, coupure de courant, coupure d electricite, coupure reseau,
        coupure internet, coupure de service, plus de reseau, pas de reseau, aucun reseau,
        erreur 500
        """
    ),
    "product_defect": (
        """
        # en
        broken, broke, defect*, faulty, malfunction*, stopped working, doesn t work, does not work,
        not working, don t work, poor quality, bad quality, cheap quality, fell apart, falls apart,
        damaged, cracked, crash*, glitch*, bug, bugs, buggy, leaking, leaks, rusty, expired,
        spoiled, rotten
        bricks, bricked, bricking, pilling
        # fr
        casse, cassee, casses, defectueu*, defaut de fabrication, un defaut, des defauts,
        ne marche plus, ne marche pas, ne fonctionne pas, ne fonctionne plus, mauvaise qualite,
        qualite deplorable, qualite mediocre, abime*, endommage*, fissure*, rouille*, perime*,
        pourri*, fuit, se decolle, bugue*, beug*
        bouloch*, decousu*, dechire* au premier
        """
    ),
    "customer_service": (
        """
        # en
        customer service, customer support, support team, no answer, no response, no reply,
        nobody answers, no one answers, nobody responds, no one responds, never answered,
        never responded, on hold, hung up, rude, unhelpful, impolite, disrespectful, staff,
        employee*, still waiting, ignored, ignoring, ghosted, useless support, complaint,
        complained, harass*, spam calls
        # fr
        service client, service apres vente, sav, personne ne repond, personne ne me repond,
        aucune reponse, pas de reponse, sans reponse, injoignable*, raccroche*, impoli*, malpoli*,
        pas aimable, desagreable*, mal parle, mal recu, mepris*, vendeur, vendeuse, personnel,
        employe*, conseiller*, hotline, reclamation*, toujours rien, resilier, resiliation,
        harcel*, demarchage
        """
    ),
    "delivery": (
        """
        # en
        delivery, delivered, shipping, shipment, package, parcel, arrived late, delivered late,
        late delivery, delay*, never arrived, not arrived, hasn t arrived, not delivered,
        never delivered, lost package, tracking
        # fr
        livraison*, pas livre, jamais livre, non livre, colis, retard*, jamais arrive*,
        toujours pas arrive*, pas arrive*, pas recu, jamais recu, transporteur, expedition, expedie*
        """
    ),
    "order": (
        """
        # en
        my order, order number, order no, order id, my purchase, my package, my parcel
        # fr
        ma commande, mon colis, numero de commande, commande n, commande numero, ma livraison,
        mon achat
        """
    ),
    "account": (
        """
        # en
        my account, account email, account number, password, locked out, account locked,
        account suspended, account closed, my profile, username, subscription, membership,
        my file, my case, my claim, my application, my contract, my loan, my policy
        # fr
        mon compte, compte bloque, compte suspendu, compte ferme, identifiant*, mot de passe,
        mon profil, abonnement, numero client, espace client, mon dossier, ma demande,
        mon contrat, mon pret, mon credit, ma carte
        """
    ),
    "billing": (
        """
        # en
        charged twice, double charged, charged me, overcharged, billing, invoice*, refund*,
        debited, direct debit, money back, reimburs*, chargeback,
        my bill, our bill, your bill, his bill, her bill, their bill, bill was, bill is,
        phone bill, mobile bill, electric bill, electricity bill, energy bill, gas bill,
        water bill, cable bill, internet bill, monthly bill, final bill, first bill, last bill,
        bill shock, huge bill, high bill, higher bill, bills are, bills were, on the bill,
        send the bill, sent the bill, pay the bill, paid the bill, got the bill, received the bill
        # fr
        debite*, preleve*, prelevement*, facture*, facturation, rembourse*, paye deux fois,
        double paiement, trop percu
        """
    ),
    "booking": (
        """
        # en
        my booking, booking number, reservation, my reservation, my flight, flight cancelled,
        flight canceled, my ticket, my room, my stay
        # fr
        ma reservation, reservation, mon vol, vol annule, mon billet, ma chambre, mon sejour
        """
    ),
    "personal_data": (
        """
        # en
        my email, my e mail, my phone number, my address, in my profile, dm me, sent you a dm,
        my details
        # fr
        mon email, mon mail, mon adresse, mon numero, en mp, en dm, par mp, mes coordonnees
        """
    ),
    "price": (
        """
        # en
        too expensive, overpriced, price*, pricing, rip off, ripoff, expensive, price hike*,
        price increase*, hidden fee*
        # fr
        trop cher, tres cher, vraiment cher, hyper cher, si cher, plus cher, prix, tarif*, hausse,
        augmentation, arnaque*, frais caches, hors de prix
        """
    ),
    "misinformation": (
        """
        # en: the marks of a claim spread in bad faith, not the claim itself
        share before, before they delete, before it gets deleted, before this gets deleted,
        they don t want you to know, what they aren t telling, wake up people,
        do your own research, hoax, conspiracy, gives you cancer, gives people cancer,
        causes cancer
        # fr
        partagez avant, avant que ce soit supprime, avant suppression,
        ils ne veulent pas que vous sachiez, on nous cache, on vous cache, ce qu on ne vous dit pas,
        reveillez vous, faites tourner, complot*, canular, intox, donne le cancer,
        provoque le cancer
        """
    ),
}

TOPIC_TERMS: Final[dict[str, tuple[str, ...]]] = {
    topic: term_list(block) for topic, block in TOPIC_BLOCKS.items()
}
TOPIC_TERMS_BY_LANGUAGE: Final = by_language(TOPIC_BLOCKS)

# Idioms whose words would raise a topic they do not mean: "add insult to injury" is no injury,
# "this is killing me" no death. Matched spans are removed before the topics are looked up.
IDIOM_BLOCK: Final = """
    # en
    insult to injury, killing me, killin me, kills me, killed it, kill it, kill for, dying to,
    to die for, dying for, i m dying, im dying, i died, i just died, died laughing, dead tired,
    sick of, sick and tired, sick to death, tired of, on fire, fire sale, crash course,
    hurts my feelings, death stare, killer deal, killer price, bloody hell, food for thought,
    drop dead gorgeous, poison pill, toxic relationship, it s a crime, crime against fashion,
    process
    # fr
    mort de rire, morte de rire, mdr, je suis mort, je suis morte, j en peux plus, ca me tue,
    tue moi, une tuerie, c est une tuerie, un carnage, malade de, malades de, ca me rend malade,
    en feu, crever de faim, mourir de rire, je meurs
"""
IDIOMS_BY_LANGUAGE: Final = terms_by_language(IDIOM_BLOCK)

# Cue lists: words that mean a topic only together (see `api.engine.topics`), per language.
CUE_BLOCKS: Final[dict[str, str]] = {
    # A hazard is often told as "<component> <failure>" with words in between ("the brake pedal
    # got stuck"): both parts anywhere in the mention make it a safety topic.
    "component": """
        # en
        brake*, pedal*, accelerator*, steering, airbag*, tire, tires, tyre, tyres, wheel,
        seatbelt*, seat belt*
        # fr
        frein*, pedale*, accelerateur*, direction assistee, pneu*, roue, ceinture*
    """,
    "mechanical_failure": """
        # en
        fail*, stuck, sticking, sticks, jammed, jamming, blew, burst, came off, detach*, locked,
        caught fire
        # fr
        bloque*, defaillan*, lache*, coince*, pris feu
    """,
    # A device that catches fire or explodes ("the battery exploded in my hand").
    "device": """
        # en
        battery, batteries, charger*, phone, phones, laptop*, scooter*, vape*, e cig*, bottle,
        pressure cooker*, appliance*, heater*
        # fr
        batterie*, chargeur*, telephone*, portable*, trottinette*, bouteille*, cocotte*,
        appareil*, radiateur*
    """,
    "device_failure": """
        # en
        explod*, exploded, blew up, caught fire, fire, fires, overheat*, melted, smoking, sparks,
        flames
        # fr
        a explose, explose dans, explose en, pris feu, surchauffe*, fondu, fume, etincelle*
    """,
    # Data named together with its loss ("they sold our data", "mes données ont fuité").
    "data": """
        # en
        data, personal information, passwords, card details, credit card*, bank details
        # fr
        donnees, informations personnelles, mots de passe, carte* bancaire*,
        coordonnees bancaires
    """,
    "data_loss": """
        # en
        leak*, sold, selling, sells, stolen, breach*, exposed, hacked
        # fr
        revend*, vendu*, vendent, vole*, fuite*, fuit, pirate*, expose*, dans la nature
    """,
    # A protected group named together with an offence ("comments about women … disgusting").
    "group": """
        # en
        women, woman, female, females, girls, black people, gay, gays, lesbian*, lgbt*,
        transgender, trans people, muslim*, jew, jews, jewish, disabled, disabilit*, wheelchair*,
        immigrant*, migrant*, minorit*, asian*, arab, arabs, african*, latino*, latina*,
        hispanic*, religion*, ethnic*, skin colo*
        # fr
        femme, femmes, filles, homosexuel*, handicap*, musulman*, juif*, juive*, immigre*,
        etranger*, arabe, arabes, couleur de peau, origine ethnique, origine etrangere, lgbt*,
        migrant*, minorit*, religion*
    """,
    "offence": """
        # en
        disgusting, offensive, offended, insulting, shameful, degrading, demeaning, mocking,
        humiliat*, excluded, refused because, denied because, boycott*
        # fr
        degoutant*, choquant*, honteu*, insultant*, degradant*, humiliant*, mepris*, exclu,
        exclue, exclus, exclues, boycott*
    """,
    # Several people share the problem: the answer belongs in public, not in DMs.
    "collective": """
        # en
        everyone, for everyone, everybody, all of us, many of us, not the only one, not just me,
        thousands, hundreds, testimon*, all customers, every customer
        # fr
        tout le monde, pour tous, nous sommes nombreux, on est nombreux, pas le seul,
        pas la seule, temoignage*, des centaines, des milliers, tous les clients, plein de gens,
        beaucoup de gens
    """,
    # Words that name what a criticism is about: with them, a rude post is still criticism and
    # is kept; without them (and without a topic), an insult is only an insult.
    "target": """
        # en
        product*, service*, order*, ad, ads, advert*, campaign*, logo*, app, apps, website*,
        site, price*, staff, store*, shop*, quality, customer*, policy, policies, ceo, boss,
        management, statement*, comments, remark*, packaging, recipe*, taste*, support, update*,
        feature*, delivery, parcel, package, flight*, train*, bus, seat*, bag*, luggage,
        internet, wifi, signal, network, connection, phone, bill*, account*, card, payment*,
        manager*, driver*, agent*, call*, email*, link*, page*, booking*, ticket*, room*, food,
        meal*, drink*, coffee, burger*, pizza*, bank, branch, loan*, fee*, charge*, refund*
        # fr
        produit*, service*, commande*, pub, pubs, publicite*, campagne*, logo*, appli*, site*,
        prix, magasin*, boutique*, qualite, client*, politique*, pdg, patron*, direction,
        declaration*, propos, commentaire*, remarque*, emballage*, recette*, gout*, mise a jour,
        fonctionnalite*, livraison*, vendeu*, personnel, colis, vol, vols, train*, bus, siege*,
        bagage*, valise*, internet, box, wifi, reseau, connexion, telephone*, facture*,
        compte*, carte*, paiement*, responsable*, chauffeur*, conducteur*, agent*, appel*,
        mail*, lien*, page*, reservation*, billet*, chambre*, repas, plat*, boisson*, cafe,
        banque*, agence*, pret*, frais, remboursement*, abonnement*, forfait*, conseill*
    """,
}
CUE_TERMS_BY_LANGUAGE: Final = by_language(CUE_BLOCKS)
CUE_TERMS: Final[dict[str, tuple[str, ...]]] = {
    label: term_list(block) for label, block in CUE_BLOCKS.items()
}
