"""FastAPI dependencies as `Annotated` aliases: routers declare what they need, nothing more."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Request

from api.brands.schemas import Brand
from api.services import Services
from api.settings import Settings
from api.workspaces.service import Principal


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_settings_dep(services: ServicesDep) -> Settings:
    return services.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def get_principal(
    services: ServicesDep,
    authorization: Annotated[
        str | None, Header(description="`Bearer <api key>`", include_in_schema=False)
    ] = None,
) -> Principal:
    return services.api_keys.authenticate(authorization)


PrincipalDep = Annotated[Principal, Depends(get_principal)]

BrandIdPath = Annotated[
    str,
    Path(
        description="The brand's slug.",
        examples=["acme"],
        max_length=64,
        pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$",
    ),
]


def get_brand(services: ServicesDep, principal: PrincipalDep, brand_id: BrandIdPath) -> Brand:
    return services.brands.get(principal, brand_id)


BrandDep = Annotated[Brand, Depends(get_brand)]
