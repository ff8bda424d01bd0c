"""The canonical mention: what listening tools send, whatever their native format."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator, model_validator

from api.types import Instant, JsonNumber


class Network(StrEnum):
    twitter = "twitter"
    facebook = "facebook"
    instagram = "instagram"
    tiktok = "tiktok"
    youtube = "youtube"
    linkedin = "linkedin"
    reddit = "reddit"
    news = "news"
    blog = "blog"
    forum = "forum"
    review = "review"
    other = "other"


class AuthorKind(StrEnum):
    person = "person"
    influencer = "influencer"
    journalist = "journalist"
    media = "media"
    brand = "brand"
    unknown = "unknown"


class PostType(StrEnum):
    post = "post"
    reply = "reply"
    comment = "comment"
    repost = "repost"
    article = "article"
    review = "review"


class SentimentLabel(StrEnum):
    negative = "negative"
    neutral = "neutral"
    positive = "positive"


EARLIEST_INSTANT = datetime(1970, 1, 1, tzinfo=UTC)
NonNegativeInt = Annotated[int, Field(ge=0, le=10**12), JsonNumber]
ShortText = Annotated[str, Field(max_length=200)]


class Author(BaseModel):
    model_config = ConfigDict(extra="ignore")

    handle: ShortText | None = None
    name: ShortText | None = None
    followers: NonNegativeInt | None = None
    verified: Annotated[bool, Strict()] | None = None
    kind: AuthorKind = AuthorKind.unknown


class Engagement(BaseModel):
    model_config = ConfigDict(extra="ignore")

    likes: NonNegativeInt = 0
    shares: NonNegativeInt = 0
    comments: NonNegativeInt = 0
    views: NonNegativeInt = 0


class ProvidedSentiment(BaseModel):
    """Sentiment as the listening tool sent it: a score, a label, or both."""

    model_config = ConfigDict(extra="ignore")

    score: Annotated[float, Field(ge=-1.0, le=1.0, allow_inf_nan=False), JsonNumber] | None = None
    label: SentimentLabel | None = None


MENTION_EXAMPLE: dict[str, Any] = {
    "external_id": "yt-829301",
    "source": "crm-export",
    "network": "twitter",
    "published_at": "2026-03-09T08:15:00Z",
    "text": "My order #48213 never arrived and nobody answers the phone",
    "language": "en",
    "author": {"handle": "@jane", "followers": 240, "kind": "person"},
    "engagement": {"likes": 2, "shares": 0, "comments": 1},
    "sentiment": {"score": -0.7},
    "post_type": "post",
}


class Mention(BaseModel):
    """A brand mention in Vigie's canonical shape; unknown fields are kept in `raw`."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={"examples": [MENTION_EXAMPLE]},
    )

    external_id: Annotated[str, Field(min_length=1, max_length=256)]
    source: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")] = (
        "api"
    )
    network: Network = Network.other
    published_at: Annotated[
        Instant,
        Field(
            description="When it was published (RFC 3339, with an offset). The past is "
            "accepted (backfill) back to 1970; at most 5 minutes in the future."
        ),
    ]
    text: Annotated[str, Field(max_length=40_000)] | None = None
    title: Annotated[str, Field(max_length=2_000)] | None = None
    url: Annotated[str, Field(max_length=2_048)] | None = None
    language: (
        Annotated[str, Field(max_length=35, pattern=r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")] | None
    ) = None
    author: Author | None = None
    engagement: Engagement | None = None
    reach: NonNegativeInt | None = None
    sentiment: ProvidedSentiment | None = None
    post_type: PostType = PostType.post
    parent_external_id: Annotated[str, Field(max_length=256)] | None = None
    in_reply_to: Annotated[
        ShortText | None,
        Field(description="Handle of the author of the post this one replies to, when known."),
    ] = None
    addressed_to_brand: Annotated[
        Annotated[bool, Strict()] | None,
        Field(
            description="The listening tool says it is a direct message or a reply to the "
            "brand's own account: the writer expects an answer."
        ),
    ] = None
    raw: dict[str, Any] | None = Field(
        default=None, description="Fields Vigie does not model, kept as sent for audit."
    )

    @field_validator("published_at")
    @classmethod
    def _not_before_1970(cls, value: datetime) -> datetime:
        # Storage keys and TTLs are built from epoch time: older instants are certainly wrong data.
        if value < EARLIEST_INSTANT:
            raise ValueError("must be on or after 1970-01-01T00:00:00Z")
        return value

    @model_validator(mode="after")
    def _move_unknown_fields_to_raw(self) -> Mention:
        extra = self.__pydantic_extra__ or {}
        if extra:
            self.raw = {**(self.raw or {}), **extra}
            self.__pydantic_extra__ = {}
        return self

    @property
    def published_utc(self) -> datetime:
        return self.published_at.astimezone(UTC)
