"""endpoints.json decoded a service at a time (api/storage/endpoint_data.py): the same endpoints
as stock botocore, and botocore's own decoding whenever the file is not laid out as expected."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import botocore.loaders
import botocore.session
import pytest
from botocore.session import Session

from api.settings import Settings
from api.storage import client as client_module
from api.storage.endpoint_data import EndpointsFileLoader, LazyServices, decode_endpoints

BUILTIN = Path(os.path.dirname(botocore.loaders.__file__)) / "data" / "endpoints.json"

REGIONS = [
    "us-east-1",
    "eu-west-3",
    "ap-southeast-2",
    "sa-east-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-isob-east-1",
    "eu-isoe-west-1",
]
SERVICES = ["dynamodb", "sqs", "secretsmanager"]


def resolver(made: Session) -> Any:
    return made._get_internal_component("endpoint_resolver")  # type: ignore[attr-defined]


def endpoint(resolver: Any, service: str, region: str, variant: dict[str, bool]) -> object:
    """What the resolver answers, or the error it raises (type and message)."""
    try:
        return resolver.construct_endpoint(service, region, **variant)
    except Exception as error:  # compared between resolvers, not handled
        return (type(error).__name__, str(error))


def session(lazy: bool) -> Session:
    made = botocore.session.get_session()
    if lazy:
        made.get_component("data_loader").file_loader = EndpointsFileLoader()
    return made


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("region", REGIONS)
def test_clients_get_the_endpoints_stock_botocore_gives(service: str, region: str) -> None:
    urls = []
    for lazy in (False, True):
        client = session(lazy).create_client(
            service, region_name=region, aws_access_key_id="k", aws_secret_access_key="s"
        )
        urls.append(client.meta.endpoint_url)
    assert urls[0] == urls[1]


@pytest.mark.parametrize(
    "variant", [{}, {"use_fips_endpoint": True}, {"use_dualstack_endpoint": True}]
)
def test_the_resolver_answers_as_stock_botocore_for_every_region_and_variant(
    variant: dict[str, bool],
) -> None:
    stock, lazy = (resolver(session(flag)) for flag in (False, True))
    assert lazy.get_available_partitions() == stock.get_available_partitions()
    for service in SERVICES:
        for partition in stock.get_available_partitions():
            regions = stock.get_available_endpoints(service, partition)
            assert lazy.get_available_endpoints(service, partition) == regions
            for region in [*regions, *REGIONS]:
                assert endpoint(lazy, service, region, variant) == (
                    endpoint(stock, service, region, variant)
                )


def test_the_builtin_file_decodes_to_the_same_document() -> None:
    text = BUILTIN.read_text(encoding="utf-8")
    decoded, stock = decode_endpoints(text), json.loads(text)
    assert decoded.keys() == stock.keys()
    assert decoded["version"] == stock["version"]
    assert len(decoded["partitions"]) == len(stock["partitions"])
    for lazy, expected in zip(decoded["partitions"], stock["partitions"], strict=True):
        services = lazy["services"]
        # The layout is recognised (else this test says nothing about the lazy path)…
        assert isinstance(services, LazyServices)
        assert {k: v for k, v in lazy.items() if k != "services"} == {
            k: v for k, v in expected.items() if k != "services"
        }
        # …every service decodes alone to botocore's value…
        for name, value in expected["services"].items():
            assert services[name] == value
        assert repr(services) == f"LazyServices({len(expected['services'])} decoded)"
        # …and listing them gives botocore's names in botocore's order.
        assert list(services) == list(expected["services"])


def test_a_service_is_decoded_only_when_asked_for() -> None:
    services = decode_endpoints(BUILTIN.read_text(encoding="utf-8"))["partitions"][0]["services"]
    assert "dynamodb" in services
    assert "no-such-service" not in services
    assert services["dynamodb"]["endpoints"]["eu-west-3"] == {}
    assert repr(services) == "LazyServices(1 decoded)"
    with pytest.raises(KeyError):
        services["no-such-service"]


def test_the_client_decodes_only_the_services_it_resolves(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    made: list[Session] = []

    def recording_session() -> Session:
        made.append(botocore.session.Session())
        return made[-1]

    monkeypatch.setattr(botocore.session, "get_session", recording_session)
    client_module.create_dynamodb_client(settings.model_copy(update={"dynamodb_endpoint": None}))
    aws = resolver(made[0])._endpoint_data["partitions"][0]
    assert aws["partition"] == "aws"
    assert isinstance(aws["services"], LazyServices)
    assert repr(aws["services"]) == "LazyServices(1 decoded)"  # dynamodb only


def test_another_layout_is_decoded_as_botocore_does() -> None:
    document = json.loads(BUILTIN.read_text(encoding="utf-8"))
    for text in (json.dumps(document), json.dumps(document, indent=4)):
        decoded = decode_endpoints(text)
        assert decoded == document
        assert all(isinstance(p["services"], dict) for p in decoded["partitions"])


# The second service key sits at a service's depth inside the first service: its text alone
# is not one JSON value, so the whole `services` object is decoded instead.
MISLEADING = """{
  "partitions" : [ {
    "partition" : "aws",
    "services" : {
      "a" : {
        "x" : 1,
      "inner" : 2
      },
      "b" : { }
    }
  } ],
  "version" : 3
}"""


def test_a_service_that_does_not_decode_alone_falls_back_to_the_whole_object() -> None:
    services = decode_endpoints(MISLEADING)["partitions"][0]["services"]
    assert "inner" not in services  # found as a key's line, but not a service
    assert services["a"] == {"x": 1, "inner": 2}
    assert dict(services) == {"a": {"x": 1, "inner": 2}, "b": {}}


def test_the_loader_reads_endpoints_only_this_way(tmp_path: Path) -> None:
    (tmp_path / "endpoints.json").write_text(MISLEADING, encoding="utf-8")
    (tmp_path / "other.json").write_text(MISLEADING, encoding="utf-8")
    loader = EndpointsFileLoader()
    lazy = loader.load_file(str(tmp_path / "endpoints"))
    assert isinstance(lazy["partitions"][0]["services"], LazyServices)
    other = loader.load_file(str(tmp_path / "other"))
    assert other == json.loads(MISLEADING)
    assert loader.load_file(str(tmp_path / "missing")) is None
