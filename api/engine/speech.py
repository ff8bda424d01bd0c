"""What a mention *does*, whatever it is about: speech acts that carry across every domain (FR+EN).

A customer who writes to the brand asks, demands or reports a problem of their own with the same
words whether the product is a parcel, a flight, an internet box or a jar of baby food: "can you
help", "my X won't / never arrived", "I can't", "je n'arrive pas", "toujours pas", "depuis
3 jours", "I want a refund". Those cues are read here, apart from the domain lexicons (topics)
and from sentiment, so that neither an unknown domain nor a polite or sarcastic tone hides them.

- *addressed*: the mention names one of the brand's handles (or opens on a vocative of its name),
  replies to the brand, or its tool says it is a direct message or reply to the brand;
- *asks*: a question or a request for help or action;
- *demand*: a refund, compensation, an explanation, a cancellation;
- *first-person problem*: the writer's own thing fails, is missing, late or wrong, or the writer
  cannot do something, or has waited for long;
- *problem*: a failure stated in general ("not working", "no signal", "still nothing");
- *sarcasm*: praise words wrapped around a problem ("thanks for ruining my morning").

Matching is on accent-folded, lower-cased text, on word boundaries, each language's patterns on
that language only (both when the language is unknown or has no patterns).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from api.engine.text import fold, strip_urls

_LANGUAGES: Final = ("en", "fr")
_HANDLE: Final = re.compile(r"(?<![\w@])@([a-z0-9_]{1,30})")
_NUMBER_WORDS: Final = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|a few|few|"
    r"many|multiple|un|une|deux|trois|quatre|cinq|six|sept|huit|dix|quinze|plusieurs|"
    r"quelques)"
)


def _compile(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\b")


_NOT = r"(?:n'?t|not|never|no longer|still not|still n'?t)"
_DURATION_EN = (
    rf"(?:for|since|over|past|last|in) (?:the )?(?:last |past )?{_NUMBER_WORDS}\+? "
    r"(?:minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|years?)"
)
_DURATION_FR = (
    rf"(?:depuis|ca fait|cela fait|voila|pendant|plus de) (?:plus de )?(?:{_NUMBER_WORDS}) "
    r"(?:minutes?|heures?|h|jours?|semaines?|mois|ans?|annees?)"
    r"|depuis (?:hier|ce matin|ce midi|ce soir|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
    r"dimanche|des jours|des semaines|des mois|le \d+|la semaine derniere|le mois dernier)"
)

_ASKS: Final = {
    "en": _compile(
        [
            r"(?:can|could|would|will|pls|please|plz) (?:you|u|ya|someone|somebody|anyone|"
            r"anybody|i|we)",
            r"please|pls|plz|kindly|help|helping|assist|assistance|advise|advice",
            r"let (?:me|us) know|get back to (?:me|us)|contact (?:me|us)|dm (?:me|us)|call me",
            r"reply|respond|answer (?:me|us|my)|follow (?:me )?back|check (?:your|my|the) dm",
            r"fix (?:this|it|that|the)|sort (?:this|it|that) out|look into|sort out",
            r"any (?:update|news|info|information|idea|ideas|chance|reason|eta)",
            r"(?:what|how|where|when|why|who|which) (?:can|should|do|does|did|is|are|was|"
            r"were|will|would|has|have|am|to|you|u)|how'?s|what'?s|where'?s|why'?s|why not",
            r"how come|is there (?:a|any)|are there any|is it possible|do you (?:have|know|offer)",
            r"(?:anyone|anybody|someone|somebody) (?:that|who) can|can (?:anyone|someone|somebody)|"
            r"answer (?:a|my) question|get (?:it|this|that) fixed|sort (?:it|this) out",
            r"i need|we need|i'?d like to know|i would like|i want to know|wondering",
        ]
    ),
    "fr": _compile(
        [
            r"(?:pouvez|pourriez|pourrez|voudriez) vous|vous (?:pouvez|pourriez)|"
            r"tu (?:peux|pourrais)",
            r"est ce que|est ce qu|qu'?est ce|svp|stp|s'?il vous plait|s'?il te plait|"
            r"merci de (?!m'?avoir|nous avoir|l'?avoir|votre|vos|ta|ton|tes)",
            r"aidez|aide moi|m'?aider|nous aider|besoin d'?aide|j'?ai besoin|nous avons besoin",
            r"comment (?:faire|on|je|puis|dois|fait|est|ca|se)|pourquoi|quand (?:est|allez|vais|"
            r"va|vont|aurai|serai|sera|pourrai)|ou (?:est|sont|en est)|que dois|qui peut|"
            r"quelqu'?un (?:peut|pourrait|sait)|y a t il|existe t il",
            r"des nouvelles|une reponse|repondez|repondre|rappelez|recontactez|contactez moi|"
            r"contactez nous|en mp|en dm|par mp|ecrivez moi",
            r"je voudrais savoir|j'?aimerais savoir|pourrais je|puis je|peut on|on peut",
            r"reparez|repare (?:ma|mon|mes|ca)|remboursez|rembourse moi|envoyez|repondez|"
            r"reponds|rappelez|rappelle moi|corrigez|debloquez|retablissez|faites quelque chose",
        ]
    ),
}
_DEMANDS: Final = {
    "en": _compile(
        [
            r"refund (?:me|us|my|the|it)|give (?:me|us) (?:my|our) money|reimburse (?:me|us)|"
            r"compensate (?:me|us)|i (?:want|demand|expect|deserve|need|wanna)|"
            r"we (?:want|demand|expect|deserve)|explain|escalate|cancel (?:my|the)|"
            r"make (?:it|this) right|speak to (?:a|someone|your)|i'?d like (?:a|my|to)",
        ]
    ),
    "fr": _compile(
        [
            r"remboursez|rembourser|dedommagez|dedommager|indemniser|"
            r"(?:etre|soit|sois|suis (?:toujours )?pas|pas ete|jamais ete) rembourse\w*",
            r"je (?:veux|voudrais|demande|exige|souhaite|reclame) (?:un|une|le|la|les|mon|ma|"
            r"mes|des|d'?|qu|que|etre|parler|savoir|une reponse)",
            r"j'?exige|exige|expliquez|annulez|annuler (?:mon|ma)|resilier|qui me (?:rembourse|"
            r"dedommage|paie|paye)",
        ]
    ),
}
# Redress named as a thing ("refund", "remboursement"): a demand only when it is asked for or
# missing ("still no refund", "where is my refund"), not when it came ("got my refund, thanks").
_REDRESS: Final = {
    "en": _compile(
        [
            r"refund\w*|money back|reimburs\w*|compensation|chargeback|explanation|replacement|"
            r"exchange|complaint"
        ]
    ),
    "fr": _compile(
        [
            r"remboursement\w*|dedommagement\w*|indemnisation|compensation|geste commercial|"
            r"explication\w*|remplacement|echange|reclamation|plainte"
        ]
    ),
}
_FIRST_PERSON_PROBLEM: Final = {
    "en": _compile(
        [
            # my parcel still hasn't arrived / my phone won't charge / our flight got cancelled
            rf"(?:my|our|mine) (?:\w+ ){{1,4}}(?:{_NOT}|won'?t|wont|cant|can'?t|doesnt|didnt|"
            r"isnt|wasnt|hasnt|havent|arent|keeps|kept|stopped|broke|failed|never|still|died|"
            r"crashed|froze|cracked|leaked|disappeared|vanished|exploded|melted|shrank|ripped|"
            r"tore|fell apart|came apart|went missing|got lost|"
            r"(?:is|was|has been|got|are|were|have been|came|arrived) (?:\w+ )?(?:broken|missing|"
            r"late|delayed|damaged|stuck|down|wrong|lost|stolen|cancell?ed|charged|torn|cracked|"
            r"open|opened|empty|dead|blocked|locked|suspended|declined|rejected|hacked|"
            r"overcharged|disconnected|cut off|shredded|leaking|faulty|ruined|bumped))",
            r"i (?:now |still |just |really |literally |also |again |even )?(?:can'?t|cant|"
            r"cannot|can not|couldn'?t|couldnt|could not|am unable|was unable|"
            r"'?m unable|am still|'?m still|have been waiting|'?ve been waiting|been waiting|"
            r"still (?:have|can|do|did|am|'?m|haven|can'?t|don'?t|didn'?t|not)|never (?:got|"
            r"received|heard|get|receive)|haven'?t (?:received|got|heard|had|been (?:able|paid|"
            r"refunded|contacted|told|given|sent|helped|reimbursed|credited))|"
            r"didn'?t (?:get|receive|order)|didnt|did not (?:get|receive|order)|was (?:charged|"
            r"told|given|sent|overcharged|refused|denied|left|stuck|hung up|billed|kicked|"
            r"bumped|treated|ignored)|got (?:charged|billed|no|nothing|the wrong|stuck|"
            r"disconnected|bumped|scammed)|lost|paid|keep getting|am getting|'?m getting|"
            r"tried|try|have tried|'?ve tried|called|have called|'?ve called|emailed|ordered|"
            r"bought|booked|waited)",
            r"(?:charged|billed|overcharged|debited) (?:me|us|my|twice|again|extra|double)",
            r"(?:left|kept|put) (?:me|us) (?:on hold|waiting|stranded|stuck|hanging)",
            r"(?:won'?t|wont|will not|doesn'?t|does not|didn'?t|isn'?t) (?:let|allow|give|send) "
            r"(?:me|us)",
            r"(?:i'?ve|i have|we'?ve|we have) been (?:waiting|trying|on hold|charged|stuck)",
        ]
    ),
    "fr": _compile(
        [
            r"je n'?arrive (?:pas|plus)|j'?arrive (?:pas|plus)|je ne (?:peux|parviens|"
            r"reussis) (?:pas|plus)|je (?:peux|parviens) (?:pas|plus)",
            r"(?:je n'?ai|j'?ai|nous n'?avons|on n'?a) (?:toujours |jamais |pas |rien |"
            r"toujours pas |toujours rien |encore rien |encore pas )+(?:recu|eu|pu|de|d'?|"
            r"aucun\w*|reponse|nouvelles)",
            r"(?:mon|ma|mes|notre|nos) (?:[\w']+ ){0,4}(?:ne |n'?)?(?:[\w']+ )?"
            r"(?:pas|plus|jamais)\b",
            r"(?:mon|ma|mes|notre|nos) (?:[\w']+ ){0,4}(?:est|sont|a ete|ont ete|etait|etaient|"
            r"arrive|arrivee|arrives|reste|restent) (?:\w+ )?(?:casse\w*|en panne|bloque\w*|"
            r"perdu\w*|annule\w*|endommage\w*|abime\w*|coupe\w*|vide\w*|en retard|refuse\w*|"
            r"suspendu\w*|pirate\w*|ouvert\w*|dechire\w*|ecrase\w*|vole\w*|preleve\w*)",
            r"toujours pas|toujours rien|toujours aucun\w*|toujours sans|toujours en attente",
            r"on m'?a (?:facture|preleve|debite|raccroche|refuse|dit|annule|coupe|vole|fait)",
            r"j'?ai ete (?:facture|preleve|debite|coupe|bloque|refuse|rembourse)",
            r"je (?:suis|me retrouve|reste) (?:\w+ )?(?:bloque\w*|coince\w*|sans|en attente|"
            r"oblige)",
            r"j'?attends|j'?ai attendu|j'?ai (?:essaye|appele|relance|ecrit|envoye|paye|"
            r"commande|reserve|achete)|je (?:relance|rappelle|paye|paie)",
            r"(?:je|j'?|on|nous) (?:n'?|ne )?(?:ai|a|avons) (?:plus|pas|jamais) (?:de|d'?)",
        ]
    ),
}
# The writer's own problem with the subject left out, as tweets do ("been waiting 2 hours",
# "got charged twice", "commandé le 3, toujours rien"): read at the opening of a clause only,
# where the missing subject can only be the writer.
_CLAUSE_OPENING: Final = (
    r"(?:^|[.!?;:,] ?|\n)\s*(?:(?:hi|hey|hello|so|ok|okay|bonjour|salut|bon|alors)\W+)?"
)
_OPENING_MARKS: Final = " .,!?;:\n"
_SUBJECTLESS_PROBLEM: Final = {
    "en": re.compile(
        _CLAUSE_OPENING
        + r"(?:just |now |still |also |again )?(?:been (?:waiting|trying|on hold|charged|billed|"
        r"stuck|overcharged|told|left|ignored|calling|chasing)|got (?:charged|billed|overcharged|"
        r"scammed|stuck|disconnected|bumped|cut off|nothing|the wrong|hung up on|"
        r"no (?:answer|reply|response|refund|help|email|confirmation|update|call|callback|signal|"
        r"service|internet))|"
        r"can'?t|cant|cannot|couldn'?t|couldnt|unable to|never (?:got|received|heard|get|"
        r"receive)|still (?:waiting|haven'?t|havent|can'?t|cant|not|no|nothing|don'?t|dont|"
        r"didn'?t|didnt)|haven'?t (?:received|got|heard|been)|havent (?:received|got|heard|been)|"
        r"didn'?t (?:get|receive)|didnt (?:get|receive)|keep getting|was (?:charged|told|billed|"
        r"overcharged|refused|denied|left|stuck|hung up on|bumped|ignored|kicked))\b"
    ),
    "fr": re.compile(
        _CLAUSE_OPENING
        + r"(?:(?:preleve|facture|debite)e?s? (?:deux fois|2 fois|trois fois|3 fois|en double|"
        r"a tort|sans)|(?:toujours|encore) (?:en attente|bloque\w*|sans))\b"
    ),
}
# An action of the writer's, subject left out ("ordered on the 3rd", "payé la livraison"): their
# own case once the same post says something went wrong.
_SUBJECTLESS_ACTION: Final = {
    "en": re.compile(
        _CLAUSE_OPENING
        + r"(?:just |recently |finally |already |also )?(?:ordered|bought|purchased|booked|"
        r"paid|sent|submitted|called|emailed|rang|tried|returned|signed up|upgraded|renewed|"
        r"reported|applied|requested|waited|spent|spoke|talked|asked|contacted|chatted)\b"
    ),
    "fr": re.compile(
        _CLAUSE_OPENING
        + r"(?:deja |encore |bien )?(?:commande|paye|achete|reserve|appele|envoye|relance|"
        r"ecrit|essaye|retourne|renvoye|attendu|contacte|demande|signale|souscrit|"
        r"resilie)(?:e|s|es)?\b"
    ),
}
# How long it has lasted ("for 3 days", "depuis 3 jours"): a problem's mark when a problem, a
# negation or a demand is there too ("on Twitter for 4 years" is no complaint).
_DURATION: Final = {
    "en": _compile(
        [
            _DURATION_EN,
            r"(?:it'?s|its|it has|has|have) been (?:like |over |almost |nearly |about |"
            r"more than )?"
            rf"{_NUMBER_WORDS} (?:minutes?|hours?|days?|weeks?|months?|years?)",
            rf"took (?:over |more than |almost |nearly |about )?{_NUMBER_WORDS} "
            r"(?:hours?|days?|weeks?|months?)",
        ]
    ),
    "fr": _compile(
        [
            _DURATION_FR,
            rf"(?:au bout de|mis|fallu|apres) (?:plus de |pres de )?{_NUMBER_WORDS} "
            r"(?:heures?|jours?|semaines?|mois)",
            rf"{_NUMBER_WORDS} (?:jours?|semaines?|mois) (?:apres|plus tard|de retard)",
        ]
    ),
}
_PROBLEM: Final = {
    "en": _compile(
        [
            r"not working|doesn'?t work|doesnt work|does not work|don'?t work|won'?t work|"
            r"isn'?t working|stopped working|nothing works|no longer works",
            r"won'?t (?:load|open|work|let|connect|start|turn|charge|accept|play|log|sign|update|"
            r"install|download|stay|send|pay)|can'?t (?:log|sign|connect|access|get|find|pay|"
            r"order|use|see|watch|play|reach|download|update|install|call|book|check)",
            r"keeps? (?:crashing|freezing|failing|dropping|saying|telling|cutting|disconnecting|"
            r"logging|breaking|asking|charging|restarting|rebooting|skipping|lagging|buffering|"
            r"overheating|draining|flickering|glitching|closing|resetting|deleting|declining)",
            # a device or an app misbehaving, whatever it is
            r"(?:drains?|draining|overheats?|overheating|flicker(?:s|ing)?|lags?|lagging|"
            r"reboots? (?:itself|on its own|randomly)|restarts? (?:itself|on its own|randomly))|"
            r"(?:deleted|wiped|erased|removed|lost) (?:all )?(?:of )?(?:my|our)|"
            r"without (?:telling|informing|notifying|asking|warning|any (?:notice|warning)|"
            r"notice|warning|my (?:consent|permission))|"
            r"(?:marked|shows|showing|says|said) (?:it |as |my \w+ (?:as )?)?(?:as )?delivered|"
            r"nothing (?:here|arrived|came|showed up|turned up)",
            r"no (?:internet|wifi|signal|service|power|water|heating|heat|response|reply|answer|"
            r"update|refund|email|confirmation|one|tv|connection|network|help|info|information|"
            r"news|way|sound|picture|access|hot water|electricity|phone|data|delivery|explanation)",
            r"(?:down|off|broken|late|crashed|failed|stopped|happening|happened|wrong|cancell?ed|"
            r"delayed|out|dead|gone|charged|crashing|freezing|failing) again|"
            r"(?:let|letting|lets) (?:me|us) down|wrong|falls apart|fell apart|came apart|"
            r"comes apart|shred\w*|ripped|torn|smashed|threw|thrown|dumped|tossed|crushed|"
            r"squashed|soggy|stale|mouldy|"
            r"moldy|filthy|dirty|scratchy|leak\w*|slow|slowest|late|dead|mistreat\w*|bull(?:y|ied|"
            r"ying)|rude\w*|dangerous\w*|extortion|misery|debacle|mess|nightmare|incompeten\w*|"
            r"#\w*(?:fail|sucks|suck|worst|nogood|notgood|shame|fraud|scam|ripoff|boycott|"
            r"neveragain|disappointed|angry)\w*|"
            r"since (?:\d+ ?(?:am|pm|h|o'?clock)|this morning|yesterday|last \w+|monday|tuesday|"
            r"wednesday|thursday|friday|saturday|sunday|{_NUMBER_WORDS} \w+ ago)|"
            r"(?:still|yet) (?:no|not|nothing|waiting|down|broken|missing|haven'?t|hasn'?t)|"
            r"still n'?t|(?:yet|once) again|not again|again!",
            r"never (?:arrived|came|showed|received|turned up|got|delivered|answered|responded|"
            r"replied|called)|(?:hasn'?t|has not|haven'?t|not|wasn'?t) (?:arrived|delivered|"
            r"received|shown up|turned up|been (?:delivered|fixed|resolved|refunded))",
            r"(?:is|are|was|were|been|gone|went) (?:\w+ )?(?:down|broken|missing|cancell?ed|"
            r"delayed|stuck|lost|stolen|damaged|faulty|wrong|out of stock|late|offline|dead|"
            r"cracked|shattered|dented|scratched|expired|leaking|mouldy|moldy|empty)",
            r"error|errors|glitch\w*|bug|bugs|crash\w*|outage|malfunction\w*|defect\w*|broken|"
            r"broke|broke down|breaks down|bricked|froze|freezes|stopped|died on me|issues?|"
            r"problems?|trouble|cancels|wait(?:ed)? for|"
            r"cancell?ation|cancell?ed|delay|delays|delayed|missing|wrong (?:item|order|size|"
            r"product|colou?r|address|charge|amount)|overcharg\w*|double charged|charged twice",
            rf"(?:{_NUMBER_WORDS}(?:\.\d+)?|half an?) (?:minutes?|mins?|hours?|hrs?|days?|weeks?|"
            r"months?) (?:later|since|after|and still|overdue|late)|outages|ignor\w*|worse than|"
            r"on hold|hung up|waiting (?:for|on|since)|been waiting|runaround|stranded|"
            r"out of order|out of service|unable to|impossible to|not able to|not allowed|"
            r"not being allowed|improperly|incorrectly|cut off|too (?:slow|expensive|long|late)|"
            r"price (?:increase|hike|rise)|fare (?:increase|hike|rise)|more expensive|"
            r"charg(?:ing|ed) (?:me |us )?extra|extra charge|hidden fees?|shame",
            # expectations let down, whatever the product
            r"supposed to|should have|should'?ve|was promised|were promised|meant to be|"
            r"forgot|forgotten|forget to|instead of|only half|half empty|every single time|"
            r"every time|everytime|twice in a row|for the (?:second|third|fourth|fifth|\w+th) time|"
            r"what happened|what'?s up with|what is going on|what'?s going on|wtf|"
            r"not good enough|not ok|not okay|not acceptable|"
            r"fleeced|ripped off|scammed|nobody (?:cares|answers|helps|responds)|no one "
            r"(?:cares|answers|helps|responds)",
            # asked again and again, and it goes on: "tried to cancel 3 times, still billed"
            rf"(?:tried|asked|called|rang|emailed|messaged|wrote|written|requested|chased|"
            rf"complained|contacted \w+)(?: \w+){{0,4}} (?:{_NUMBER_WORDS} times|twice)",
            r"still (?:getting|being) (?:billed|charged|debited|overcharged|invoiced)",
        ]
    ),
    "fr": _compile(
        [
            r"ne marche (?:pas|plus)|marche (?:pas|plus)|ne fonctionne (?:pas|plus)|fonctionne "
            r"(?:pas|plus)|rien ne (?:marche|fonctionne)|plus rien ne|ca marche pas",
            r"impossible de|impossible d'?|aucune? (?:info|information|nouvelle|reponse|"
            r"explication|solution|retour|connexion|reseau|livraison)",
            r"sans (?:internet|reseau|eau|electricite|chauffage|connexion|tele|tv|tel|telephone|"
            r"reponse|nouvelles|wifi|box|ligne|courant|colis|solution|explication)",
            r"pas de (?:reseau|connexion|internet|reponse|nouvelles|retour|wifi|signal|"
            r"solution|livraison|remboursement|train|bus|eau|chauffage|courant)",
            r"se vide|clignote\w*|surchauffe\w*|redemarre\w* (?:tout seul|sans arret|en boucle)|"
            r"sans (?:prevenir|me prevenir|nous prevenir|preavis|mon accord|m'?avertir)|"
            r"(?:marque|indique|affiche) (?:comme )?livre\w*|"
            r"en panne|hors service|plante|bug\w*|beug\w*|erreur|annule\w*|supprime\w*|"
            r"en retard|retard\w*|perdu\w*|manquant\w*|casse\w*|bloque\w*|coupe\w*|"
            r"pas (?:recu|livre|arrive\w*|rembourse\w*)|jamais (?:recu|livre|arrive\w*)",
            r"encore une fois|de nouveau|a nouveau|une fois de plus|encore (?:en panne|coupe|"
            r"en retard|annule)",
            r"cense\w*|devait|devrait|aurait du|auriez du|promis|oublie\w*|au lieu de|"
            r"a moitie (?:vide|plein)|(?:a )?chaque fois|pour la (?:deuxieme|troisieme|"
            r"\w+eme) fois|c'?est quoi ce|"
            r"personne ne (?:repond|rappelle|m'?aide|s'?occupe|bouge)|arnaqu\w*",
            r"manqu\w*|coupure\w*|refus\w*|mauvais\w* (?:taille|article|produit|commande|"
            r"couleur|adresse|montant|colis|pointure|modele)|(?:la|une) (?:deuxieme|troisieme|"
            r"\w+eme) fois|j'?en peux plus|ras le bol|marre|ecrase\w*|froid\w*|abime\w*|"
            r"dechire\w*|attente",
            # redemande, relance, et rien ne change : "demandé 3 fois la résiliation"
            rf"(?:demande|appele|relance|ecrit|essaye|reclame|contacte)(?: [\w']+){{0,4}} "
            rf"(?:{_NUMBER_WORDS}) fois",
            r"toujours (?:preleve|facture|debite)\w*",
        ]
    ),
}
# Verdicts on what went wrong: a complaint's words, but an opinion, not one person's case.
_VERDICT: Final = {
    "en": _compile(
        [
            r"disappoint\w*|worst|terrible|awful|horrible|useless|rubbish|pathetic|disgrace\w*|"
            r"unacceptable|ridiculous|shocking|appalling|joke"
        ]
    ),
    "fr": _compile(
        [
            r"lamentable|honte\w*|honteu\w*|inadmissible|inacceptable|scandaleu\w*|"
            r"n'?importe quoi|deplorable|pitoyable|decevant\w*|decu\w*"
        ]
    ),
}

# The writer speaks of themselves: with a problem in the same post, it is their own case.
_FIRST_PERSON_WORDS: Final = {
    "en": _compile([r"i|i'm|im|i've|ive|i'd|my|me|mine|myself"]),
    "fr": _compile([r"je|j'|moi|mon|ma|mes|me|m'|chez moi"]),
}

# A negated statement: to the brand, "it's not the wait, it's the message" is a complaint.
_NEGATION: Final = {
    "en": _compile(
        [
            r"(?:not|\w+n'?t|dont|doesnt|didnt|cant|wont|isnt|wasnt|arent|havent|hasnt|"
            r"shouldnt|wouldnt|couldnt|never|no|no longer|cannot|nothing|nobody|no one|none|"
            r"zero|lack of)"
            r"(?! (?:bad|a problem|a big deal|worry|worries|wait|stop loving|complaining))",
        ]
    ),
    "fr": _compile(
        [
            r"(?:ne|n'?) ?\w+ (?:pas|plus|jamais|rien|personne|aucun\w*)|pas|jamais|aucun\w*|"
            r"personne ne|rien ne",
        ]
    ),
}
_NOT_A_PROBLEM: Final = {
    "en": _compile(
        [
            r"(?:can'?t|cannot|couldn'?t|could not) (?:even )?(?:wait|believe|imagine|stop|thank|"
            r"trust|sleep|decide|breathe|deal|get enough|"
            r"be happier|recommend \w+ enough|live without)|no problem|no worries|not bad|"
            r"never disappoint\w*|never fails|no complaints|not a problem|never been better|"
            r"no (?:issues?|problems?|trouble)|"
            r"(?:any|no) (?:more )?(?:issues?|problems?) (?:since|now)"
        ]
    ),
    "fr": _compile(
        [
            r"pas de (?:souci|soucis|probleme)|pas mal|sans souci|pas grave|j'?ai hate|"
            r"(?:je )?(?:ne )?peux pas (?:attendre|m'?en passer)|rien a redire|jamais decu\w*"
        ]
    ),
}
# A request in the imperative, first word after the handles and greeting: "restock…", "fix…".
_IMPERATIVE: Final = {
    "en": re.compile(
        r"^(?:(?:hi|hey|hello|dear|yo|so|guys|pls|please|plz|ok|okay)\W+)*(?:restock|bring back|"
        r"fix|sort|refund|send|give|let|stop|update|release|add|make|get|answer|respond|reply|"
        r"call|contact|check|look|explain|tell|cancel|change|ship|deliver|help|return|issue|"
        r"reimburse|replace|remove|do something|sort out)\b"
    ),
    "fr": re.compile(
        r"^(?:(?:bonjour|bonsoir|salut|svp|stp|allo|alors|bon)\W+)*(?:remboursez|reparez|"
        r"envoyez|rendez|arretez|expliquez|repondez|rappelez|annulez|livrez|corrigez|changez|"
        r"faites|donnez|reglez|reactivez|debloquez|retablissez|aidez|contactez|dites)\b"
    ),
}


# Praise wrapped around a problem: only read as sarcasm when a problem is also stated.
_SARCASM: Final = {
    "en": _compile(
        [
            r"thanks? (?:you )?(?:so much |a lot |again )?for (?:nothing|ruining|wasting|making|"
            r"leaving|charging|cancell?ing|the (?:delay|wait|runaround)|letting|losing|"
            r"breaking|ignoring|never)",
            r"(?:gotta|got to|i|just) love (?:how|that|it when|when|the way)|love how|"
            r"love (?:waiting|being|getting|paying|it when|when)|yay|"
            r"so much for|great job|well done|way to go|nice one|bravo|as usual|as always|"
            r"yet again|once again|#fail|#epicfail|what a joke|oh great|just great|"
            r"how lovely|fantastic service|great service|excellent service",
        ]
    ),
    "fr": _compile(
        [
            r"merci (?:beaucoup |bien )?(?:pour rien|de rien faire|d'?avoir (?:ruine|gache|"
            r"annule|perdu|coupe|oublie))|bravo|chapeau|genial|super le|trop bien|"
            r"comme d'?hab\w*|comme toujours|comme d'?habitude|encore une fois|quelle surprise|"
            r"quel plaisir|quel bonheur|#fail|au top|vraiment top|ca commence bien",
        ]
    ),
}
_COURTESY: Final = {
    "en": _compile(
        [
            r"thanks?|thank you|thx|ty|cheers|please|pls|plz|kindly|hi|hello|hey|dear|"
            r"good (?:morning|afternoon|evening)|regards|appreciate\w*|sorry to bother"
        ]
    ),
    "fr": _compile(
        [
            r"merci|bonjour|bonsoir|salut|svp|stp|s'?il vous plait|cordialement|"
            r"bonne (?:journee|soiree)|desole de"
        ]
    ),
}
# A shared issue: others have it too ("anyone else?", "nous sommes nombreux").
_SHARED: Final = {
    "en": _compile(
        [
            r"anyone else|anybody else|is it just me|not just me|not the only one|everyone|"
            r"everybody|all (?:of )?us|all customers|whole (?:area|street|town|city|region)|"
            r"in my area|in the area|nationwide|across the country|for hours for everyone"
        ]
    ),
    "fr": _compile(
        [
            r"quelqu'?un d'?autre|je suis pas le seul|je ne suis pas (?:le|la) seule?|"
            r"pas (?:le|la) seule?|tout le monde|nous sommes nombreux|on est nombreux|"
            r"tous les clients|tout le quartier|toute la (?:rue|ville|region)|dans (?:mon|le) "
            r"quartier|dans toute la"
        ]
    ),
}
# Greetings that make a bare brand name a vocative: "Bonjour SNCF, …", "Dear Acme".
_VOCATIVE: Final = r"(?:hey|hi|hello|dear|yo|bonjour|bonsoir|salut|cher|chere|allo)"


@dataclass(frozen=True, slots=True)
class BrandContext:
    """What triage knows of the brand a mention was found for: its own accounts and names."""

    handles: tuple[str, ...] = ()
    """The brand's accounts (`@acme`, `@acmehelp`); the `@` is optional, case is ignored."""
    aliases: tuple[str, ...] = ()
    """Names the brand is written as (`ACME`, `Acmé`)."""
    name: str | None = None

    def handle_set(self) -> frozenset[str]:
        return frozenset(fold(h).lstrip("@").strip() for h in self.handles if h.strip("@ "))

    def names(self) -> tuple[str, ...]:
        found = [fold(a).strip() for a in (*self.aliases, self.name or "") if a and a.strip()]
        return tuple(sorted(set(found), key=lambda n: (-len(n), n)))


@dataclass(frozen=True, slots=True)
class SpeechActs:
    """The speech acts of a mention, with the words that revealed each (for the reasons)."""

    addressed: bool = False
    addressed_by: str | None = None
    """How it reaches the brand: `handle`, `vocative`, `reply` or `vendor`."""
    asks: tuple[str, ...] = ()
    demands: tuple[str, ...] = ()
    first_person_problem: tuple[str, ...] = ()
    problem: tuple[str, ...] = ()
    sarcasm: bool = False
    irony_marker: bool = False
    """Words that turn praise into irony ("great job", "thanks for…", "bravo"), problem or not."""
    courtesy: bool = False
    shared: bool = False
    own_problem_stated: bool = False
    """The first-person problem is said in so many words ("my X won't…", "je n'arrive pas"),
    not only inferred from a problem and a pronoun in the same post."""
    negation: bool = False
    """A negated statement ("not", "never", "ne … pas"), idioms such as "can't wait" aside."""

    @property
    def states_problem(self) -> bool:
        """Says something is wrong, in the first person or not, or demands redress."""
        return bool(self.first_person_problem or self.problem or self.demands)

    @property
    def personal(self) -> bool:
        """One person's own case: their thing, their money, their wait."""
        return bool(self.first_person_problem)


def _normalised(text: str) -> str:
    folded = fold(strip_urls(text)).replace("\u2019", "'").replace("`", "'")
    # Hyphens join words ("est-ce", "au-dessus"): read them as spaces.
    return re.sub(r"[\s-]+", " ", folded)


def _languages(language: str | None) -> Sequence[str]:
    if language:
        primary = language.split("-", 1)[0].split("_", 1)[0].lower()
        if primary in _LANGUAGES:
            return (primary,)
    return _LANGUAGES


def _found(
    patterns: dict[str, re.Pattern[str]],
    text: str,
    languages: Sequence[str],
    strip: str | None = None,
) -> list[str]:
    """Each distinct cue the patterns find, trimmed of `strip` (default: whitespace)."""
    hits: list[str] = []
    for language in languages:
        for match in patterns[language].finditer(text):
            cue = match.group().strip(strip)
            if cue and cue not in hits:
                hits.append(cue)
    return hits


def masked_aliases(text: str, brand: BrandContext | None) -> str:
    """The text with the brand's own names and handles blanked out: a brand called "Free" or
    "Sécurité Plus" must not read as spam or as a safety topic."""
    if brand is None:
        return text
    masked = text
    for handle in brand.handle_set():
        masked = re.sub(rf"(?<![\w@])@{re.escape(handle)}\b", " ", masked, flags=re.IGNORECASE)
    folded = fold(masked)
    if len(folded) != len(masked):
        return masked  # folding changed offsets (rare ligatures): keep the text as it is
    for name in brand.names():
        for match in reversed(list(re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", folded))):
            masked = masked[: match.start()] + " " * len(match.group()) + masked[match.end() :]
    return masked


def speech_acts(
    text: str,
    language: str | None,
    brand: BrandContext | None = None,
    *,
    replies_to_brand: bool = False,
    vendor_addressed: bool = False,
) -> SpeechActs:
    """Speech acts of a mention's text; `replies_to_brand`/`vendor_addressed` come from its
    metadata (a reply to the brand's post, a direct message the listening tool flagged)."""
    normalised = _normalised(text) if text else ""
    languages = _languages(language)
    addressed_by = _addressed_by(text, normalised, brand, replies_to_brand, vendor_addressed)
    if not normalised.strip():
        return SpeechActs(addressed=addressed_by is not None, addressed_by=addressed_by)
    # Handles are names, not words: "@HelpDesk" must not read as a help request.
    words_only = re.sub(r" {2,}", " ", _HANDLE.sub(" ", normalised))
    asks = _found(_ASKS, words_only, languages)
    if "?" in words_only:
        asks.insert(0, "?")
    opening = words_only.strip(" .,:;!-")
    for language in languages:
        imperative = _IMPERATIVE[language].match(opening)
        if imperative is not None and imperative.group() not in asks:
            asks.append(imperative.group())
    # Idioms that only look like problems ("can't wait", "pas de souci") are read as nothing.
    words_only = _without_harmless_negations(words_only, languages)
    problem = _found(_PROBLEM, words_only, languages)
    first_person = _found(_FIRST_PERSON_PROBLEM, words_only, languages)
    demands = _found(_DEMANDS, words_only, languages)
    negation = _found(_NEGATION, words_only, languages)
    if negation or asks or problem:
        demands.extend(cue for cue in _found(_REDRESS, words_only, languages) if cue not in demands)
    durations = _found(_DURATION, words_only, languages)
    if problem or first_person or demands or negation:
        first_person.extend(durations)
    stated = bool(first_person)
    # With the subject left out the case is the writer's, but inferred, as from a pronoun next
    # to a problem: it makes the post personal, not a problem "stated in so many words".
    # Matched with the punctuation that opened the clause: cues without it.
    subjectless = _found(_SUBJECTLESS_PROBLEM, words_only, languages, _OPENING_MARKS)
    actions = _found(_SUBJECTLESS_ACTION, words_only, languages, _OPENING_MARKS)
    if subjectless or (actions and (problem or first_person or demands or negation or durations)):
        for cue in (*subjectless, *actions, *durations):
            if cue not in first_person:
                first_person.append(cue)
    if problem and not first_person:
        pronouns = _found(_FIRST_PERSON_WORDS, words_only, languages)
        if pronouns:
            first_person.append(f"{pronouns[0]} … {problem[0]}")
    problem.extend(cue for cue in _found(_VERDICT, words_only, languages) if cue not in problem)
    irony = _found(_SARCASM, words_only, languages)
    return SpeechActs(
        addressed=addressed_by is not None,
        addressed_by=addressed_by,
        asks=tuple(asks),
        demands=tuple(demands),
        first_person_problem=tuple(first_person),
        problem=tuple(problem),
        sarcasm=bool(problem or first_person or demands) and bool(irony),
        irony_marker=bool(irony),
        own_problem_stated=stated,
        courtesy=bool(_found(_COURTESY, words_only, languages)),
        shared=bool(_found(_SHARED, words_only, languages)),
        negation=bool(negation),
    )


def _without_harmless_negations(text: str, languages: Sequence[str]) -> str:
    """The text with negations that state no problem ("can't wait", "no worries") blanked."""
    for language in languages:
        text = _NOT_A_PROBLEM[language].sub(" ", text)
    return text


def _addressed_by(
    text: str,
    normalised: str,
    brand: BrandContext | None,
    replies_to_brand: bool,
    vendor_addressed: bool,
) -> str | None:
    if vendor_addressed:
        return "vendor"
    if replies_to_brand:
        return "reply"
    if not text:
        return None
    named = {match.group(1) for match in _HANDLE.finditer(normalised)}
    handles = brand.handle_set() if brand is not None else frozenset()
    if named & handles:
        return "handle"
    if not handles and normalised.lstrip().startswith("@"):
        # No handle registered (or no brand given): a post that opens on an @account, found for
        # this brand by the listening tool, is most likely written to the brand.
        return "handle"
    if brand is not None:
        for name in brand.names():
            escaped = re.escape(name)
            vocative = rf"^\W*(?:{_VOCATIVE}\W+)?{escaped}\s*[,:!]|^\W*{_VOCATIVE}\W+{escaped}\b"
            if re.search(vocative, normalised):
                return "vocative"
    return None
