"""The descriptions of the open data: each dataset's metadata, and the DCAT catalogue in JSON-LD.

The catalogue follows DCAT-AP_IT, the Italian profile of the European DCAT application profile
that the national catalogue (dati.gov.it) harvests: a ``dcat:Catalog`` (also typed
``dcatapit:Catalog``) lists each ``dcat:Dataset`` with its identifier, title, description,
modification date, EU data theme, keywords, publisher and licence, and two distributions (CSV and
JSON), each with its access and download address, format, media type, licence and the JSON
schema it conforms to. A dataset's identifier is ``<IPA code>:<slug>`` when the publisher's IPA
code is set (``settings.ORGANISATION["ipa_code"]``), as DCAT-AP_IT asks; the slug alone otherwise.

Addresses are absolute: the functions take ``absolute``, usually ``request.build_absolute_uri``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from . import opendata
from .opendata import Dataset

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
FORMATS = {
    "csv": ("CSV", "text/csv"),
    "json": ("JSON", "application/json"),
}
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
Absolute = Callable[[str], str]


def links(dataset: Dataset, absolute: Absolute) -> dict:
    """The dataset's addresses: the page section, its files, its API list and its row schema."""
    return {
        "page": absolute(f"{reverse('opendata')}#{dataset.slug}"),
        "csv": absolute(reverse("opendata-file", args=[dataset.slug, "csv"])),
        "json": absolute(reverse("opendata-file", args=[dataset.slug, "json"])),
        "api": absolute(reverse("opendata-api-list", args=[dataset.slug])),
        "schema": absolute(reverse("opendata-schema", args=[dataset.slug])),
    }


def identifier(dataset: Dataset) -> str:
    code = opendata.publisher()["identifier"]
    return f"{code}:{dataset.slug}" if code else dataset.slug


def metadata(dataset: Dataset, absolute: Absolute) -> dict:
    """What the JSON file says about itself before its rows."""
    return {
        "identifier": identifier(dataset),
        "title": str(dataset.title),
        "description": str(dataset.description),
        "modified": dataset.modified().isoformat(),
        "publisher": opendata.publisher(),
        "licence": opendata.licence(),
        "links": links(dataset, absolute),
        "fields": [
            {
                "name": field.name,
                "type": field.type,
                "description": str(field.description),
                "optional": field.optional,
            }
            for field in dataset.fields
        ],
    }


# --- JSON-LD ----------------------------------------------------------------------------------


def _ref(address: str) -> dict:
    return {"@id": address}


def _date(day) -> dict:
    return {"@value": day.isoformat(), "@type": "xsd:date"}


def _agent() -> dict:
    publisher = opendata.publisher()
    agent = {
        "@type": ["foaf:Agent", "dcatapit:Agent"],
        "foaf:name": publisher["name"],
        "foaf:homepage": _ref(publisher["url"]),
    }
    if publisher["identifier"]:
        agent["dct:identifier"] = publisher["identifier"]
    return agent


def _licence() -> dict:
    return {
        "@id": opendata.LICENCE_URL,
        "@type": ["dct:LicenseDocument", "dcatapit:LicenseDocument"],
        "foaf:name": opendata.LICENCE_NAME,
    }


def _distribution(dataset: Dataset, kind: str, address: str, schema: str) -> dict:
    name, media_type = FORMATS[kind]
    return {
        "@id": address,
        "@type": ["dcat:Distribution", "dcatapit:Distribution"],
        "dct:title": f"{dataset.title} ({name})",
        "dcat:accessURL": _ref(address),
        "dcat:downloadURL": _ref(address),
        "dct:format": _ref(EU_FILE_TYPE + name),
        "dcat:mediaType": media_type,
        "dct:license": _licence(),
        "dct:conformsTo": _ref(schema),
    }


def _dataset(dataset: Dataset, absolute: Absolute) -> dict:
    addresses = links(dataset, absolute)
    return {
        "@id": addresses["page"],
        "@type": ["dcat:Dataset", "dcatapit:Dataset"],
        "dct:identifier": identifier(dataset),
        "dct:title": str(dataset.title),
        "dct:description": str(dataset.description),
        "dct:modified": _date(dataset.modified()),
        "dct:language": _ref(opendata.language_uri()),
        "dcat:theme": _ref(opendata.EU_THEME + dataset.theme),
        "dcat:keyword": [str(keyword) for keyword in dataset.keywords],
        "dct:publisher": _agent(),
        "dct:rightsHolder": _agent(),
        "dct:conformsTo": _ref(addresses["schema"]),
        "dcat:landingPage": _ref(addresses["page"]),
        "dcat:distribution": [
            _distribution(dataset, kind, addresses[kind], addresses["schema"]) for kind in FORMATS
        ],
    }


def catalogue(absolute: Absolute) -> dict:
    """The DCAT catalogue of every dataset, dated by the latest change among them."""
    datasets = [_dataset(dataset, absolute) for dataset in opendata.DATASETS.values()]
    modified = max(entry["dct:modified"]["@value"] for entry in datasets)
    portal = settings.ORGANISATION["portal_name"]
    return {
        "@context": CONTEXT,
        "@id": absolute(reverse("opendata-catalogue")),
        "@type": ["dcat:Catalog", "dcatapit:Catalog"],
        "dct:title": _("Open data of %(portal)s") % {"portal": portal},
        "dct:description": _(
            "The public records of %(portal)s: practices, themes, zones, municipalities, public "
            "meetings and their decisions."
        )
        % {"portal": portal},
        "dct:publisher": _agent(),
        "dct:modified": {"@value": modified, "@type": "xsd:date"},
        "dct:language": _ref(opendata.language_uri()),
        "dct:license": _licence(),
        "dct:conformsTo": _ref(absolute(reverse("opendata-schema", args=["catalogue"]))),
        "foaf:homepage": _ref(absolute(reverse("opendata"))),
        "dcat:dataset": datasets,
    }
