"""The scheduled re-assessment: time alone changes stages (a crisis declines with no new mention).

Every few minutes (serverless.yml; `vigie dev` in-process) each brand whose announced state is
not at rest is assessed again as of now and `announce` does the rest — the same conditional
write as ingest, so a concurrent ingest and the scheduler announce a change once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from api.assessments.service import AssessmentService
from api.brands.service import BrandService
from api.problems import NotFound
from api.subscriptions.service import SubscriptionService
from api.workspaces.service import Principal

log = logging.getLogger(__name__)


def reassess_active_brands(
    subscriptions: SubscriptionService,
    brands: BrandService,
    assessments: AssessmentService,
    now: datetime | None = None,
) -> int:
    """Re-assess every active brand; the number of events written."""
    at = now or datetime.now(UTC)
    written = 0
    for workspace, brand_id in subscriptions.repository.active_brands():
        try:
            brand = brands.get(Principal(workspace), brand_id)
        except NotFound:
            continue
        assessment = assessments.assess(workspace, brand_id, at, live=True)
        written += len(subscriptions.announce(workspace, brand, assessment, now=at))
    log.info("re-assessment wrote %d events", written)
    return written
