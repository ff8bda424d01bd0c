"""Speech acts (issue 10): addressed, asks, demands, first-person problems, in French and English,
independent of the domain's vocabulary and of sentiment."""

from __future__ import annotations

import pytest

from api.engine import BrandContext, MentionTriage, Tier, triage_mention
from api.engine.speech import masked_aliases, speech_acts
from tests.engine.factories import CONFIG, NOW, make_mention

ACME = BrandContext(handles=("@acme", "acmehelp"), aliases=("ACME", "Acmé"), name="Acme Corp")


@pytest.mark.parametrize(
    "text",
    [
        "@acme my parcel arrived torn, what can I do?",
        "@AcmeHelp every call fails since the update, HELP",
        "hey @ACME my luggage never arrived in Lisbon",
        "Bonjour Acmé, ma box ne s'allume plus",
        "ACME: my flight was cancelled and nobody tells us anything",
    ],
)
def test_a_mention_naming_a_handle_or_greeting_the_brand_is_addressed(text: str) -> None:
    assert speech_acts(text, None, ACME).addressed


@pytest.mark.parametrize(
    "text",
    ["@friend acme is slow today", "I read an article about ACME", "acme lol", ""],
)
def test_a_mention_about_the_brand_is_not_addressed(text: str) -> None:
    assert not speech_acts(text, None, ACME).addressed


def test_a_reply_to_the_brand_or_a_vendor_flag_addresses_it() -> None:
    assert speech_acts("still nothing", "en", ACME, replies_to_brand=True).addressed_by == "reply"
    assert speech_acts("", None, None, vendor_addressed=True).addressed_by == "vendor"
    mention = make_mention("still nothing", score=None, in_reply_to="@AcmeHelp")
    triage = triage_mention(mention, now=NOW, config=CONFIG, brand=ACME)
    assert triage.tier is not Tier.watch


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("my parcel won't arrive", "en"),
        ("My order never arrived", "en"),
        ("I can't log in to the app", "en"),
        ("I've been waiting for 3 days", "en"),
        ("my baby food jar had glass in it, it was damaged", "en"),
        ("je n'arrive pas à me connecter", "fr"),
        ("toujours pas de remboursement", "fr"),
        ("sans internet depuis 3 jours", "fr"),
        ("ma valise n'est jamais arrivée", "fr"),
        ("on m'a facturé deux fois", "fr"),
    ],
)
def test_first_person_problems_in_any_domain(text: str, language: str) -> None:
    acts = speech_acts(text, language)
    assert acts.personal, acts
    assert acts.states_problem


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("been waiting 2 hours for a callback", "en"),
        ("got the wrong size, second time this month", "en"),
        ("got no answer since Monday", "en"),
        ("ordered on the 3rd, still nothing", "en"),
        ("paid for express shipping and it took 10 days", "en"),
        ("hi, can't log in since yesterday", "en"),
        ("Great app. Never received the confirmation email though", "en"),
        ("commandé le 3, colis jamais arrivé", "fr"),
        ("payé la livraison express, reçu 10 jours après", "fr"),
        ("prélevée deux fois pour la même commande", "fr"),
    ],
)
def test_a_problem_with_the_subject_left_out_is_the_writers_own_case(
    text: str, language: str
) -> None:
    acts = speech_acts(text, language)
    assert acts.personal, acts
    assert acts.states_problem
    # Inferred, not said in so many words: an unaddressed post needs more to become a case.
    assert not acts.own_problem_stated


@pytest.mark.parametrize(
    "text",
    [
        "@acme my battery drains so fast since the latest update",
        "@acme why does my screen flicker when I open the camera",
        "@acme the app keeps skipping songs on my phone",
        "@acme the update deleted all my photos",
        "@acme my seat was changed without telling me",
        "@acme ma batterie se vide en une heure depuis la mise à jour",
        "@acme mon écran clignote dès que j'ouvre l'appareil photo",
        "@acme ma réservation a été modifiée sans me prévenir",
        # the subject left out
        "@acme been waiting 2 hours for a callback",
        "@acme ordered on the 3rd, still nothing",
        "@acme paid for express shipping and it took 10 days",
        "@acme payé la livraison express, reçu 10 jours après",
        # asked again and again, and it goes on
        "@acme tried to cancel 3 times, still getting billed",
        "@acme I asked twice to close my account and I am still being charged",
        "@acme j'ai demandé 3 fois la résiliation et je suis toujours prélevé",
        "@acme j'ai écrit plusieurs fois au service client",
    ],
)
def test_the_writers_own_case_written_to_the_brand_goes_private(text: str) -> None:
    triage = _triaged(text)
    assert triage.tier is Tier.move_to_private, triage.reasons


@pytest.mark.parametrize(
    "text",
    [
        "@acme delivery guy marked it delivered but nothing here",
        "@acme le colis est indiqué comme livré mais je n'ai rien",
    ],
)
def test_a_delivery_marked_done_that_never_came_is_answered(text: str) -> None:
    triage = _triaged(text)
    assert triage.tier is not Tier.watch, triage.reasons
    assert signals_state_problem(text)


def signals_state_problem(text: str) -> bool:
    return speech_acts(text, None, ACME).states_problem


def _triaged(text: str) -> MentionTriage:
    """Written to ACME, no sentiment given, language detected."""
    mention = make_mention(text, score=None, language=None)
    return triage_mention(mention, now=NOW, config=CONFIG, brand=ACME)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ordered a pizza, best night ever", "en"),
        ("just booked our holiday!!", "en"),
        ("the team that ordered the recall was right", "en"),
        ("can't wait for the weekend", "en"),
        ("got no words, what a launch", "en"),
        ("commandé hier, reçu ce matin, parfait", "fr"),
    ],
)
def test_an_action_with_the_subject_left_out_is_no_problem_on_its_own(
    text: str, language: str
) -> None:
    acts = speech_acts(text, language)
    assert not acts.personal, acts
    assert not acts.states_problem, acts


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("can you help me?", "en"),
        ("please advise", "en"),
        ("how do I get a new card", "en"),
        ("pouvez-vous m'aider", "fr"),
        ("comment faire pour changer d'adresse", "fr"),
        ("est-ce que c'est possible", "fr"),
    ],
)
def test_questions_and_requests_are_asks(text: str, language: str) -> None:
    assert speech_acts(text, language).asks


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I want a refund", "en"),
        ("please explain why", "en"),
        ("remboursez-moi", "fr"),
        ("j'exige une explication", "fr"),
        ("still no refund", "en"),
    ],
)
def test_demands(text: str, language: str) -> None:
    assert speech_acts(text, language).demands


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I can't wait for the new season!", "en"),
        ("No worries, thanks", "en"),
        ("Pas de souci, merci", "fr"),
        ("Got my refund, thanks a lot", "en"),
        ("I have been a customer for 10 years", "en"),
        # counted times that are no attempt at anything
        ("Been to this place many times, love it", "en"),
        ("I have watched it 3 times already, amazing", "en"),
        ("Vu trois fois au cinéma, toujours aussi bien", "fr"),
    ],
)
def test_idioms_and_praise_state_no_problem(text: str, language: str) -> None:
    acts = speech_acts(text, language)
    assert not acts.states_problem, acts


def test_each_language_is_read_with_its_own_patterns() -> None:
    # "pas" means nothing in English, "still" nothing in French.
    assert speech_acts("toujours pas", "fr").states_problem
    assert not speech_acts("toujours pas", "en").states_problem
    assert speech_acts("toujours pas", None).states_problem


def test_politeness_never_makes_a_problem_positive() -> None:
    text = "@acme you charged me 5 times, can you please help, thanks!"
    triage = triage_mention(make_mention(text, score=None), now=NOW, config=CONFIG, brand=ACME)
    assert triage.sentiment.label.value == "negative"
    assert triage.tier is Tier.move_to_private


def test_sarcasm_never_makes_a_problem_positive() -> None:
    text = "Thanks @acme for ruining my morning, the train was cancelled again, great job"
    triage = triage_mention(make_mention(text, score=None), now=NOW, config=CONFIG, brand=ACME)
    assert triage.sentiment.label.value == "negative"
    assert triage.tier is not Tier.watch


def test_a_polite_report_of_an_assault_is_severe() -> None:
    text = (
        "A passenger assaulted me on the 8:15 train. Thank you for your quick reply, kind regards"
    )
    triage = triage_mention(make_mention(text, score=None), now=NOW, config=CONFIG)
    assert "safety" in triage.topics
    assert triage.tier is not Tier.watch


def test_unaddressed_critique_nobody_reacts_to_stays_watch() -> None:
    triage = triage_mention(
        make_mention("Acme's new logo is ugly", score=None), now=NOW, config=CONFIG, brand=ACME
    )
    assert triage.tier is Tier.watch


def test_the_brands_own_names_are_not_words_of_the_mention() -> None:
    free = BrandContext(handles=("@free",), aliases=("Free",))
    assert "Free" not in masked_aliases("Free a encore augmenté ses prix", free)
    triage = triage_mention(
        make_mention("Free gagne un prix http://a.fr http://b.fr", score=None, language="fr"),
        now=NOW,
        config=CONFIG,
        brand=free,
    )
    assert triage.moderation.value == "keep"


def test_a_mention_with_nothing_is_still_triaged() -> None:
    from api.engine.mention import Mention

    bare = Mention.model_validate({"external_id": "x", "published_at": NOW.isoformat()})
    triage = triage_mention(bare, now=NOW, config=CONFIG, brand=ACME)
    assert triage.tier is Tier.watch
    assert triage.confidence < 0.6
