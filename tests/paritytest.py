#!/usr/bin/env python3
# Parity suite: run every domain of tests/paritydata/ through libvirt's
# real embedded QEMU driver (qemu:///embed, in the QEMU 11.1 chroot) and
# through virt-viommu, and compare what both decide.
#
#   paritytest.py --virsh VIRSH --virt-viommu PROG [--table FILE] [NAME...]
#
# Compared per domain:
#   verdict   libvirt's "define" against "virt-viommu validate";
#   message   for a domain both refuse, the two error messages;
#   argv      a domain accepted by the verdict but refused by its
#             domxml-to-native (either side);
#   viommu, iommufd, vfio-pci (and vfio-pci-nohotplug), controllers
#             the JSON of the -device/-object values of those kinds in
#             both domxml-to-native outputs, in command line order;
#   machine   the iommu and kernel_irqchip properties of -machine;
#   memory    the -m value.
# File descriptors differ by nature (libvirt's domxml-to-native leaves
# them out, virt-viommu writes placeholders): every "fd" property is
# dropped before comparing.
#
# A difference fails unless the section "The parity suite" of
# docs/libvirt-differences.md lists it as a row "| `DOMAIN` | KIND | reason |"; a listed difference that is no longer
# found fails too, so the list stays exact. libvirt's own results are also
# kept in tests/paritydata/NAME.libvirt and must match the live run
# (VIR_TEST_REGENERATE_OUTPUT=1 rewrites them); they make the differences
# reviewable without running libvirt.
#
# virt-viommu is given the captured QEMU 11.1.3 capabilities of the
# domain's arch and a captured host tree: smmuv3 for aarch64, amd for a
# domain with <iommu model='amd'>, intel-server-sm otherwise. libvirt runs
# with LIBVIRT_VIOMMU_FAKE_VFIO=1 (see scripts/qemu-11-chroot.sh), which
# gives it /dev/vfio/vfio and an IOMMU group without hardware.

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

KINDS = ("verdict", "message", "argv", "viommu", "iommufd", "vfio-pci",
         "controllers", "machine", "memory")
VIOMMU = {"intel-iommu", "amd-iommu", "AMDVI-PCI", "arm-smmuv3",
          "virtio-iommu", "virtio-iommu-pci"}
CONTROLLERS = {"pcie-root-port", "pxb-pcie", "pxb", "pci-bridge",
               "pcie-pci-bridge", "x3130-upstream", "xio3130-downstream",
               "ioh3420", "dmi-to-pci-bridge", "i82801b11-bridge",
               "pci-expander-bus", "pcie-expander-bus"}
QEMU_CONF = """stdio_handler = "file"
namespaces = []
user = "root"
group = "root"
"""
TIMEOUT = 120
# the section of docs/libvirt-differences.md that lists the differences
SECTION = "## The parity suite"

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
datadir = os.path.join(top, "tests", "paritydata")
docfile = os.path.join(top, "docs", "libvirt-differences.md")
debug = os.environ.get("VIR_TEST_DEBUG", "0") not in ("", "0")
regenerate = os.environ.get("VIR_TEST_REGENERATE_OUTPUT", "0") not in ("", "0")


def run(argv, env=None, cwd=None):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, cwd=cwd, timeout=TIMEOUT, text=True)
    return p.returncode, p.stdout, p.stderr


def last_error(stderr):
    """The last 'error: ' line: virsh prints 'Failed to define' first."""
    msg = ""
    for line in stderr.splitlines():
        if line.startswith("error: "):
            msg = line[len("error: "):].strip()
    return msg or stderr.strip().replace("\n", " ")


def domain_facts(path):
    root = ET.parse(path).getroot()
    arch = root.find("./os/type").get("arch")
    iommu = root.find("./devices/iommu")
    model = iommu.get("model") if iommu is not None else None
    return root.findtext("name"), arch, model


def host_for(arch, model):
    if arch == "aarch64":
        return "smmuv3"
    if model == "amd":
        return "amd"
    return "intel-server-sm"


def strip_fds(obj):
    return {k: v for k, v in obj.items() if k != "fd"}


def extract(line):
    """The compared parts of a domxml-to-native output, as (kind, text)."""
    out = []
    words = shlex.split(line)
    for i in range(len(words) - 1):
        opt, val = words[i], words[i + 1]
        if opt in ("-device", "-object") and val.startswith("{"):
            obj = json.loads(val)
            what = obj.get("driver", obj.get("qom-type"))
            if what in VIOMMU:
                kind = "viommu"
            elif what == "iommufd":
                kind = "iommufd"
            elif what in ("vfio-pci", "vfio-pci-nohotplug"):
                kind = "vfio-pci"
            elif what in CONTROLLERS:
                kind = "controllers"
            else:
                continue
            out.append((kind, json.dumps(strip_fds(obj), separators=(",", ":"))))
        elif opt == "-machine":
            props = val.split(",")
            keep = [props[0]] + [p for p in props[1:]
                                 if p.split("=")[0] in ("kernel_irqchip", "iommu")]
            out.append(("machine", ",".join(keep)))
        elif opt == "-m":
            out.append(("memory", val))
    return out


class Libvirt:
    def __init__(self, virsh, tmp):
        self.virsh = virsh
        self.root = os.path.join(tmp, "embed")
        os.makedirs(os.path.join(self.root, "etc"))
        with open(os.path.join(self.root, "etc", "qemu.conf"), "w") as f:
            f.write(QEMU_CONF)
        self.env = dict(os.environ, LIBVIRT_VIOMMU_FAKE_VFIO="1")
        self.uri = "qemu:///embed?root=" + self.root

    def virsh_run(self, *args, cwd=None):
        return run([self.virsh, "-q", "-c", self.uri] + list(args), self.env,
                   cwd=cwd or os.path.dirname(self.root))

    def version(self):
        rc, out, err = self.virsh_run("version", "--daemon")
        m = re.search(r"Using library: libvirt ([0-9.]+)", out)
        return m.group(1) if m else "unknown"

    def check(self, path, name):
        # The chroot sees only the working directory and /tmp of the
        # caller: run virsh in the temporary directory on a copy.
        work = os.path.dirname(self.root)
        shutil.copyfile(path, os.path.join(work, "domain.xml"))
        # One virsh run: "define --validate" (libvirt's schema, then its
        # parse and validation) gives the verdict, "domstate" prints
        # "shut off" only if the define worked, domxml-to-native gives the
        # command line; with -q nothing else goes to stdout.
        rc, out, err = self.virsh_run(
            "define --validate domain.xml; domstate %s; "
            "domxml-to-native qemu-argv domain.xml" % shlex.quote(name),
            cwd=work)
        errors = [l[len("error: "):].strip() for l in err.splitlines()
                  if l.startswith("error: ")]
        lines = out.strip().splitlines()
        if not lines or lines[0] != "shut off":
            # define's own errors come before domstate's "failed to get domain"
            own = []
            for e in errors:
                if e.startswith("failed to get domain"):
                    break
                if not e.startswith("Failed to define domain from"):
                    own.append(e)
            msg = own[0] if own else (errors[0] if errors else err.strip())
            return {"accept": False, "error": msg, "parts": None}
        if len(lines) < 2:
            msg = errors[-1] if errors else err.strip()
            return {"accept": True, "argv_error": msg, "parts": None}
        return {"accept": True, "parts": extract(lines[-1])}


class Viommu:
    def __init__(self, prog):
        self.prog = prog

    def check(self, path, arch, host):
        # qemu-system-x86_64 runs i686 guests: its capabilities hold both
        capsarch = "x86_64" if arch == "i686" else arch
        opts = ["--qemu-caps", os.path.join(top, "tests", "qemucapabilitiesdata",
                                            "caps_11.1.3_%s.xml" % capsarch),
                "--host-root", os.path.join(top, "tests", "hostdata", host)]
        rc, out, err = run([self.prog, "validate"] + opts + [path])
        if rc != 0:
            return {"accept": False, "error": last_error(err), "parts": None}
        rc, out, err = run([self.prog, "domxml-to-native"] + opts + [path])
        if rc != 0:
            return {"accept": True, "argv_error": last_error(err), "parts": None}
        return {"accept": True, "parts": extract(out.strip())}


def snapshot(res):
    if not res["accept"]:
        return "verdict: refuse\nerror: %s\n" % res["error"]
    if res["parts"] is None:
        return "verdict: accept\nargv-error: %s\n" % res["argv_error"]
    return "verdict: accept\n" + "".join("%s: %s\n" % p for p in res["parts"])


def compare(lv, vm):
    """The set of difference kinds between two results."""
    if lv["accept"] != vm["accept"]:
        return {"verdict"}
    if not lv["accept"]:
        return set() if lv["error"] == vm["error"] else {"message"}
    if lv["parts"] is None or vm["parts"] is None:
        if lv["parts"] is None and vm["parts"] is None and \
           lv["argv_error"] == vm["argv_error"]:
            return set()
        return {"argv"}
    kinds = set()
    for kind in KINDS[3:]:
        a = [t for k, t in lv["parts"] if k == kind]
        b = [t for k, t in vm["parts"] if k == kind]
        if a != b:
            kinds.add(kind)
    return kinds


def listed_differences():
    """{(domain, kind): reason} from the table of docs/libvirt-differences.md."""
    rows = {}
    row = re.compile(r"^\|\s*`([A-Za-z0-9._-]+)`\s*\|\s*([a-z-]+)\s*\|(.*)\|\s*$")
    section = False
    with open(docfile) as f:
        for n, line in enumerate(f, 1):
            if line.startswith("## "):
                section = line.startswith(SECTION)
            if not section:
                continue
            m = row.match(line)
            if not m:
                continue
            key = (m.group(1), m.group(2))
            if m.group(2) not in KINDS:
                raise SystemExit("%s:%d: unknown kind '%s'" % (docfile, n, m.group(2)))
            if key in rows:
                raise SystemExit("%s:%d: %s listed twice" % (docfile, n, key))
            rows[key] = m.group(3).strip()
    return rows


def describe(res):
    if not res["accept"]:
        return "refuse: " + res["error"]
    if res["parts"] is None:
        return "accept, domxml-to-native fails: " + res["argv_error"]
    return "accept"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--virsh", required=True)
    ap.add_argument("--virt-viommu", required=True)
    ap.add_argument("--table", help="write the parity table (markdown) here")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()

    if not os.access(args.virsh, os.X_OK):
        print("paritytest: %s missing (scripts/qemu-11-chroot.sh makes it)" % args.virsh,
              file=sys.stderr)
        return 1

    files = sorted(f for f in os.listdir(datadir) if f.endswith(".xml"))
    names = [f[:-4] for f in files]
    known = set(names) | {"README"}
    unused = [f for f in os.listdir(datadir)
              if not f.endswith(".xml") and f.split(".")[0] not in known]
    selected = args.names or names
    listed = listed_differences()

    passed = failed = 0
    rows = []
    tmp = tempfile.mkdtemp(prefix="paritytest.")
    try:
        libvirt = Libvirt(args.virsh, tmp)
        viommu = Viommu(args.virt_viommu)
        lvversion = libvirt.version()
        for name in selected:
            path = os.path.join(datadir, name + ".xml")
            dname, arch, model = domain_facts(path)
            problems = []
            if dname != name:
                problems.append("domain <name> '%s' is not the file name" % dname)
            lv = libvirt.check(path, name)
            vm = viommu.check(path, arch, host_for(arch, model))

            snap = snapshot(lv)
            snapfile = os.path.join(datadir, name + ".libvirt")
            if regenerate:
                with open(snapfile, "w") as f:
                    f.write(snap)
            elif not os.path.exists(snapfile):
                problems.append("%s is missing" % snapfile)
            elif open(snapfile).read() != snap:
                problems.append("libvirt %s no longer gives %s:\n%s" %
                                (lvversion, snapfile, snap))

            kinds = compare(lv, vm)
            for kind in sorted(kinds):
                if (name, kind) not in listed:
                    problems.append("unlisted difference '%s'" % kind)
            for (lname, kind) in listed:
                if lname == name and kind not in kinds:
                    problems.append("listed difference '%s' is gone: "
                                    "remove its row" % kind)
            if debug or problems:
                print("%s: libvirt %s" % (name, describe(lv)))
                print("%s: virt-viommu %s" % (name, describe(vm)))
                if vm["parts"] is not None and lv["parts"] is not None:
                    for kind in sorted(kinds):
                        for side, res in (("libvirt", lv), ("virt-viommu", vm)):
                            for k, t in res["parts"]:
                                if k == kind:
                                    print("  %s %s: %s" % (side, k, t))
            for p in problems:
                print("FAIL %s: %s" % (name, p))
            if problems:
                failed += 1
            else:
                passed += 1
            same_json = lv["parts"] is not None and vm["parts"] is not None and \
                not (kinds - {"verdict", "message", "argv"})
            rows.append((name, lv, vm, kinds, same_json))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if not args.names:
        for (lname, kind) in listed:
            if lname not in names:
                print("FAIL %s: listed in %s but not in the corpus" % (lname, docfile))
                failed += 1
        for f in unused:
            print("FAIL unused data file tests/paritydata/%s" % f)
            failed += 1

    agree = sum(1 for r in rows if r[1]["accept"] == r[2]["accept"])
    both = sum(1 for r in rows if r[1]["accept"] and r[2]["accept"])
    same = sum(1 for r in rows if r[4])
    lv_acc = sum(1 for r in rows if r[1]["accept"])
    vm_acc = sum(1 for r in rows if r[2]["accept"])
    summary = ("libvirt %s: %d domains, libvirt accepts %d, virt-viommu accepts %d, "
               "verdicts agree %d, both accept %d, identical JSON %d"
               % (lvversion, len(rows), lv_acc, vm_acc, agree, both, same))
    print("paritytest: " + summary)
    if args.table:
        with open(args.table, "w") as f:
            f.write("| domain | libvirt | virt-viommu | differences |\n|---|---|---|---|\n")
            for name, lv, vm, kinds, _ in rows:
                f.write("| `%s` | %s | %s | %s |\n" % (
                    name, describe(lv).replace("|", "\\|"),
                    describe(vm).replace("|", "\\|"),
                    ", ".join(sorted(kinds)) or "none"))
            f.write("\n" + summary + "\n")
    print("paritytest: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
