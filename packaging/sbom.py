#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The release's SBOM (make release): an SPDX 2.3 JSON document naming each
static binary (with its SHA-256) and every library compiled into it, with its
exact version and licence.

    sbom.py VERSION DATE ARCH=BINARY...

The libraries come from packaging/static-deps, the one list the static build
fetches from (NAME VERSION LICENCE, the licence an SPDX expression), and musl,
the C library, from the build machine's musl-dev package of that architecture
(dpkg-query), which is what musl-gcc links.  Nothing here depends on the time
or the place of the run: the creation time is the release DATE (CHANGELOG.md),
and the document's namespace is derived from what it describes, so the same
inputs give the same bytes.
"""

import hashlib
import json
import os
import subprocess
import sys
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEBIAN_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}
# the fields the SPDX 2.3 JSON schema requires, checked before writing
REQUIRED_DOC = ("SPDXID", "creationInfo", "dataLicense", "name", "spdxVersion",
                "documentNamespace")
REQUIRED_PKG = ("SPDXID", "downloadLocation", "name")


def die(msg):
    sys.stderr.write("sbom: %s\n" % msg)
    sys.exit(1)


def static_deps():
    """(name, Debian version, licence) per line of packaging/static-deps."""
    deps = []
    with open(os.path.join(ROOT, "packaging", "static-deps"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.split(None, 2)
            if len(fields) < 3:
                die("packaging/static-deps: no licence for %s" % fields[0])
            deps.append((fields[0], fields[1], fields[2].strip()))
    return deps


def musl_version(arch):
    pkg = "musl-dev:" + DEBIAN_ARCH[arch]
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        die("cannot tell the version of %s (the C library of the %s binary)" % (pkg, arch))
    return out.strip()


def spdx_id(*parts):
    """SPDXRef- and letters, digits, '.' and '-' only."""
    text = "-".join(parts)
    return "SPDXRef-" + "".join(c if c.isalnum() or c in ".-" else "-" for c in text)


def purl(name, version, distro):
    quoted = version.replace("%", "%25").replace("+", "%2B").replace(":", "%3A")
    return "pkg:deb/debian/%s@%s?arch=source&distro=%s" % (name, quoted, distro)


def library(name, version, licence, distro, how):
    return {
        "SPDXID": spdx_id("Package", name, version),
        "name": name,
        "versionInfo": version,
        "supplier": "Organization: Debian",
        "downloadLocation": "NOASSERTION",
        "sourceInfo": how,
        "filesAnalyzed": False,
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": licence,
        "copyrightText": "NOASSERTION",
        "primaryPackagePurpose": "LIBRARY",
        "externalRefs": [{
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": purl(name, version, distro),
        }],
    }


def main(argv):
    if len(argv) < 4 or any("=" not in a for a in argv[3:]):
        die("usage: sbom.py VERSION DATE ARCH=BINARY...")
    version, date = argv[1], argv[2]
    source = os.environ.get("SOURCE_URL") or "NOASSERTION"
    packages, relationships, seen = [], [], {}

    def add_library(pkg):
        if pkg["SPDXID"] not in seen:
            seen[pkg["SPDXID"]] = pkg
            packages.append(pkg)
        return pkg["SPDXID"]

    deps = static_deps()
    for arg in argv[3:]:
        arch, path = arg.split("=", 1)
        if arch not in DEBIAN_ARCH:
            die("no such architecture: %s" % arch)
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        name = "nitro-token-%s-linux-%s" % (version, arch)
        binary = {
            "SPDXID": spdx_id("Package", "nitro-token", arch),
            "name": "nitro-token",
            "versionInfo": version,
            "packageFileName": name,
            "downloadLocation": source,
            "filesAnalyzed": False,
            "checksums": [{"algorithm": "SHA256", "checksumValue": digest}],
            "licenseConcluded": "MIT",
            "licenseDeclared": "MIT",
            "copyrightText": "NOASSERTION",
            "primaryPackagePurpose": "APPLICATION",
            "comment": "the static binary for Linux %s: musl, no shared library" % arch,
        }
        packages.append(binary)
        relationships.append({"spdxElementId": "SPDXRef-DOCUMENT",
                              "relationshipType": "DESCRIBES",
                              "relatedSpdxElement": binary["SPDXID"]})
        libs = [library(n, v, lic, "debian-13",
                        "Debian trixie source package %s %s, built with musl by "
                        "packaging/static.sh" % (n, v)) for n, v, lic in deps]
        musl = musl_version(arch)
        libs.append(library("musl", musl, "MIT", "debian",
                            "the C library: Debian's musl-dev %s for %s, linked by musl-gcc"
                            % (musl, DEBIAN_ARCH[arch])))
        for lib in libs:
            relationships.append({"spdxElementId": binary["SPDXID"],
                                  "relationshipType": "STATIC_LINK",
                                  "relatedSpdxElement": add_library(lib)})

    content = json.dumps([packages, relationships], sort_keys=True)
    namespace = "https://spdx.org/spdxdocs/nitro-token-%s-%s" % (
        version, uuid.uuid5(uuid.NAMESPACE_URL, content))
    doc = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "nitro-token-%s" % version,
        "documentNamespace": namespace,
        "creationInfo": {
            "created": "%sT00:00:00Z" % date,
            "creators": ["Tool: nitro-token-packaging-sbom.py-%s" % version],
        },
        "packages": packages,
        "relationships": relationships,
    }
    missing = [k for k in REQUIRED_DOC if k not in doc]
    missing += ["%s.%s" % (p.get("SPDXID", "?"), k)
                for p in packages for k in REQUIRED_PKG if not p.get(k)]
    if missing:
        die("required fields missing: %s" % ", ".join(missing))
    sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv)
