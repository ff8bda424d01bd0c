"""Whether a mention may be hidden: only spam, insults, trolling, hate and doxxing.

Criticism is never hidden, whatever its tone: deleting it reads as censorship and screenshots
survive. So an insult or a troll is hidden only when the post says nothing about what is wrong
(no concrete topic, no product, service or statement named); hate, doxxing and spam are hidden
in any case because they harm people or drown the conversation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from api.engine.config import EngineConfig
from api.engine.lexicon import LanguageMatcher
from api.engine.speech import SpeechActs
from api.engine.topic_lexicon import by_language
from api.engine.topics import TopicFindings

_ABUSE: Final = LanguageMatcher(
    by_language(
        {
            "insult": (
                """
            # en
            fuck you, f you, screw you, go to hell, idiot, idiots, moron*, imbecile*, scum*,
            asshole*, bastard*, bitch*, dickhead*, jerks, losers, garbage people, trash people,
            garbage company, piece of shit, pieces of shit, stfu
            # fr
            connard*, connass*, salaud*, salop*, encul*, enfoir*, abruti*, cretin*, debile*,
            bande d escrocs, bande de voleurs, bande de nuls, bande d incapables,
            bande de clowns, bande de guignols, allez vous faire, va te faire, vas te faire,
            ta gueule, vos gueules, fdp, ntm, nique*, pauvre con, pauvres cons, bouffon*
            """
            ),
            "trolling": (
                """
            # en
            cry more, cope harder, seethe, stay mad, ratio, triggered, troll*, trololo
            # fr
            ouin ouin, chouine*, pleure encore, troll*
            """
            ),
            "hate": (
                """
            # en
            go back to your country, go back where you came from, subhuman*, vermin,
            inferior race, white power, death to, should be exterminated, exterminate*,
            gas them
            # fr
            retourne dans ton pays, retournez dans votre pays, rentre chez toi,
            rentrez chez vous, sous race, sous homme*, vermine*, race inferieure, mort aux,
            a exterminer, exterminer
            """
            ),
            "spam": (
                """
            # en
            win a, win an, winner, giveaway, free, click here, promo code, discount code,
            crypto*, bitcoin, forex, earn money, make money, follow back, dm for,
            check my profile, link in bio, casino, onlyfans, viagra, investment opportunity,
            guaranteed profit*
            # fr
            gagnez, gagner un, gagner une, gratuit*, cliquez, code promo, gagner de l argent,
            lien en bio, visitez, concours, offert*, investissement garanti
            """
            ),
            "doxxing": (
                """
            # en
            his address, her address, their address, home address, lives at, he lives,
            she lives, his phone, her phone, his number, her number, call him, call her,
            harass him, harass her
            # fr
            son adresse, leur adresse, son numero, son tel, son telephone, habite au,
            habite a, habite rue, il habite, elle habite, appelez le, appelez la, harcelez
            """
            ),
        }
    )
)

_URL: Final = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_SHORTENER: Final = re.compile(
    r"\b(?:bit\.ly|tinyurl\.com|t\.co|goo\.gl|ow\.ly|is\.gd|cutt\.ly|rb\.gy)/", re.IGNORECASE
)
# Masked profanity: "****", "f***", "sh*t".
_MASKED: Final = re.compile(r"\*{3,}|\b[a-z]+\*+[a-z]*\b", re.IGNORECASE)
_PERSONAL_DATUM: Final = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+"  # e-mail
    r"|(?:\+\d{1,3}[\s.-]?)?(?:\(?\d{2,4}\)?[\s.-]?){3,5}\d{2,4}"  # phone number
    r"|\b\d{1,4},?\s+(?:rue|avenue|av\.|boulevard|bd|chemin|impasse|allee|all[ée]e)\b"
    r"|\b\d{1,4},?\s+(?:[A-Za-z]+\s+){0,3}(?:street|st\.|road|rd\.|lane|drive|avenue|ave\.)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ModerationVerdict:
    hide: bool
    reason: str | None = None
    """Machine code of why it is hidden: spam, insult, trolling, hate or doxxing."""
    abusive: bool = False
    """Insults or trolling in a post kept as criticism: the exchange is heating up."""


_REASON_MESSAGES: Final = {
    "spam": "Spam (promotion or link dump unrelated to the brand's customers): may be hidden.",
    "insult": "Insults with no criticism to answer: may be hidden; never hide the criticism.",
    "trolling": "Trolling with no criticism to answer: hide, and stay calm if it comes back.",
    "hate": "Hateful content: hide it; it may also need reporting to the network.",
    "doxxing": "Publishes someone's personal details: hide it at once to protect them.",
}


def moderation_message(reason: str) -> str:
    return _REASON_MESSAGES[reason]


def moderate(
    words: Sequence[str],
    raw_text: str,
    findings: TopicFindings,
    config: EngineConfig,
    speech: SpeechActs | None = None,
) -> ModerationVerdict:
    """Hide only what the playbook allows to hide; keep every criticism.

    A post says what is wrong when it names a topic or the thing criticised, states a problem,
    demands redress or asks the brand something: then it is kept whatever its tone, and a link in
    it is evidence, not spam.
    """
    if not raw_text.strip():
        return ModerationVerdict(hide=False)
    # Abuse is looked up in both languages whatever the post's: people swear across languages,
    # these entries mean the same in both, and a hit alone never hides a post that says what is
    # wrong.
    abuse = _ABUSE.find(words, None)
    complaint = speech is not None and (
        speech.states_problem or (speech.addressed and bool(speech.asks))
    )
    says_what_is_wrong = findings.substantive or complaint
    if "doxxing" in abuse and _PERSONAL_DATUM.search(raw_text):
        return ModerationVerdict(hide=True, reason="doxxing")
    if "hate" in abuse:
        return ModerationVerdict(hide=True, reason="hate")
    if not complaint and _looks_like_spam(raw_text, len(abuse.get("spam", ())), findings, config):
        return ModerationVerdict(hide=True, reason="spam")
    insulting = "insult" in abuse or bool(_MASKED.search(raw_text))
    trolling = "trolling" in abuse
    if not (insulting or trolling):
        return ModerationVerdict(hide=False)
    if says_what_is_wrong:
        return ModerationVerdict(hide=False, abusive=True)
    return ModerationVerdict(hide=True, reason="insult" if insulting else "trolling")


def _looks_like_spam(
    raw_text: str, promo_terms: int, findings: TopicFindings, config: EngineConfig
) -> bool:
    if findings.topics and promo_terms < config.spam_promo_terms_min:
        # A complaint with a link to its evidence is not spam.
        return False
    links = len(_URL.findall(raw_text)) + len(_SHORTENER.findall(raw_text))
    return (
        (promo_terms >= 1 and links >= 1)
        or promo_terms >= config.spam_promo_terms_min
        or links >= config.spam_links_min
    )
