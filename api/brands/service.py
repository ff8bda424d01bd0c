"""Brand use cases; a brand of another workspace does not exist for the caller."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from api.brands.repository import BrandAlreadyExistsError, BrandRepository
from api.brands.schemas import BRAND_ID_PATTERN, Brand, BrandCreate, BrandList, BrandUpdate
from api.pagination import InvalidCursor, decode_cursor, encode_cursor
from api.problems import Conflict, NotFound
from api.ttl_cache import TtlCache
from api.workspaces.service import Principal


class BrandService:
    def __init__(
        self,
        repository: BrandRepository,
        mention_shards: int = 1,
        workspace_mention_shards: Mapping[str, int] | None = None,
        *,
        cache_seconds: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._repository = repository
        # Chosen per workspace at creation and never changed (api/storage/shards.py).
        self._mention_shards = mention_shards
        self._workspace_mention_shards = dict(workspace_mention_shards or {})
        # Ingest (the API's and the hook receivers') reads its brand on every call: it may trust
        # what this container read for `cache_seconds` (Settings.brand_cache_seconds). A PATCH or
        # an erasure through this container is seen at once; one through another, at most that
        # late (an erasure's last sweep waits that long too: api/erasure). Every other route
        # reads the brand afresh.
        self._cache: TtlCache[tuple[str, str], Brand] = TtlCache(cache_seconds, clock=clock)

    def create(self, principal: Principal, request: BrandCreate) -> Brand:
        now = datetime.now(UTC)
        brand = Brand(
            id=request.id,
            name=request.name,
            settings=request.settings,
            created_at=now,
            updated_at=now,
        )
        try:
            shards = self._workspace_mention_shards.get(principal.workspace, self._mention_shards)
            self._repository.create(principal.workspace, brand, shards)
        except BrandAlreadyExistsError:
            erasure = self._repository.erasure_of(principal.workspace, request.id)
            if erasure is not None:
                raise Conflict(
                    f"Brand '{request.id}' is being erased (erasure '{erasure}'); create it "
                    "again once GET /v1/erasures/{erasure_id} says `done`."
                ) from None
            raise Conflict(f"Brand '{request.id}' already exists in this workspace.") from None
        return brand

    def get(self, principal: Principal, brand_id: str) -> Brand:
        brand = self._repository.get(principal.workspace, brand_id)
        if brand is None:
            raise NotFound(f"Brand '{brand_id}' does not exist in this workspace.")
        return brand

    def get_for_ingest(self, principal: Principal, brand_id: str) -> Brand:
        """The brand as ingest needs it: from this container's cache while fresh enough."""
        key = (principal.workspace, brand_id)
        brand = self._cache.get(key)
        if brand is None:
            brand = self.get(principal, brand_id)
            self._cache.put(key, brand)
        return brand

    def forget(self, workspace: str, brand_id: str) -> None:
        """Drop the cached brand (it is being erased)."""
        self._cache.discard((workspace, brand_id))

    def erasure_of(self, principal: Principal, brand_id: str) -> str | None:
        """The erasure deleting this brand, if one is (the brand itself answers 404)."""
        return self._repository.erasure_of(principal.workspace, brand_id)

    def list(self, principal: Principal, limit: int, cursor: str | None) -> BrandList:
        after = decode_cursor(cursor, "brand") if cursor else None
        # The position becomes a key's sort value: only a brand id may be one.
        if after is not None and not BRAND_ID_PATTERN.fullmatch(after):
            raise InvalidCursor("The cursor is malformed or belongs to another listing.")
        brands, last = self._repository.list(principal.workspace, limit, after)
        return BrandList(items=brands, next_cursor=encode_cursor("brand", last) if last else None)

    def update(self, principal: Principal, brand_id: str, request: BrandUpdate) -> Brand:
        brand = self.get(principal, brand_id)
        settings = brand.settings
        if request.settings is not None:
            # PATCH semantics down to each setting: fields left out keep their value.
            changed = request.settings.model_dump(exclude_unset=True)
            settings = settings.model_copy(update=changed)
        updated = brand.model_copy(
            update={
                "name": request.name or brand.name,
                "settings": settings,
                "updated_at": datetime.now(UTC),
            }
        )
        self._repository.update(principal.workspace, updated)
        self._cache.discard((principal.workspace, brand_id))
        return updated
