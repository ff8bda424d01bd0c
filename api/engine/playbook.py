"""The brand's playbook: ordered actions with deadlines, from its tier, stage and topics.

Deadlines count from `at` and come from the config: consumers expect an answer within the hour,
and 24 h is the latest acceptable; the leadership gets a few hours to prepare its message.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from api.engine.config import EngineConfig
from api.engine.schemas import PlaybookAction, Stage, Tier


def brand_playbook(
    tier: Tier, stage: Stage, topics: tuple[str, ...], at: datetime, config: EngineConfig
) -> list[PlaybookAction]:
    def action(code: str, description: str, minutes: int | None) -> PlaybookAction:
        deadline = None if minutes is None else at + timedelta(minutes=minutes)
        return PlaybookAction(action=code, description=description, deadline=deadline)

    if tier is Tier.watch:
        review = []
        if stage in (Stage.emerging, Stage.growing, Stage.peak):
            review = [
                action(
                    "review_surge",
                    "Volume is above its usual level for this hour: read a sample of the new "
                    "mentions now to tell a crisis from good news.",
                    config.playbook_minutes_first_answer,
                )
            ]
        return [
            *review,
            action(
                "monitor",
                "Keep watching; do not answer a critique nobody reacts to, it can feed it. "
                "Answer plain questions as usual.",
                config.playbook_minutes_review,
            ),
        ]

    actions: list[PlaybookAction] = []
    if tier is Tier.executive_statement:
        actions += [
            action(
                "convene_crisis_team",
                "Gather leadership, communication, legal and customer service; agree on facts.",
                config.playbook_minutes_holding_statement,
            ),
            action(
                "holding_statement",
                "Publish a first public message: acknowledge, show empathy, say what is being "
                "checked and when the next update comes.",
                config.playbook_minutes_first_answer,
            ),
            action(
                "leadership_statement",
                "The leadership speaks in person (video or signed letter): facts, "
                "responsibility, measures taken — as in the Lexus/Toyota recall video.",
                config.playbook_minutes_leadership,
            ),
            action(
                "brief_press",
                "Give journalists the same facts as the public statement.",
                config.playbook_minutes_leadership,
            ),
        ]
    else:
        actions.append(
            action(
                "acknowledge_publicly",
                "Answer publicly, humanly: acknowledge, show empathy, apologise when at fault, "
                "explain. Stay calm with trolls.",
                config.playbook_minutes_first_answer,
            )
        )
    if "misinformation" in topics:
        actions.append(
            action(
                "correct_with_facts",
                "Correct false claims publicly with facts and sources, calmly, never aggressively.",
                config.playbook_minutes_first_answer,
            )
        )
    if "outage" in topics:
        actions.append(
            action(
                "status_updates",
                "Post status updates on every network until service is back.",
                config.playbook_minutes_first_answer,
            )
        )
    actions.append(
        action(
            "move_to_private",
            "Take individual cases to DM, e-mail or phone with customer service; offer "
            "compensation where the brand is at fault.",
            config.playbook_minutes_private,
        )
    )
    actions.append(
        action(
            "keep_criticism_visible",
            "Never delete criticism: hide only spam, insults, trolling, hate and doxxing.",
            None,
        )
    )
    follow_up = (
        "Share what changed so it does not happen again, and thank those who helped."
        if stage in (Stage.declining, Stage.resolved)
        else "Report back publicly once the issue is solved."
    )
    actions.append(action("follow_up", follow_up, config.playbook_minutes_follow_up))
    return actions
