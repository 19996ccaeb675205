# Turns usg's own tailoring file for a profile (every rule selected) into the recipe's: each rule
# the table leaves out is deselected, with its reason as a comment next to it. A rule the profile
# does not have fails the build: the table must name real rules.
import json, sys
import xml.etree.ElementTree as ET

base, out, disabled = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
XCCDF = "{http://checklists.nist.gov/xccdf/1.2}"
ET.register_namespace("xccdf", XCCDF.strip("{}"))
tree = ET.parse(base)
profile = next(e for e in tree.getroot().iter() if e.tag == XCCDF + "Profile")
selects = [e for e in profile if e.tag == XCCDF + "select"]
missing = []
for entry in disabled:
    hits = [s for s in selects if s.get("idref", "").endswith("_rule_" + entry["rule"])]
    if not hits:
        missing.append(entry["rule"])
        continue
    for select in hits:
        select.set("selected", "false")
        profile.insert(list(profile).index(select), ET.Comment(f" AMI Bakery: {entry['rule']} left out: {entry['reason'].replace('--', '-')} "))
if missing:
    raise SystemExit(f"Not rules of this usg profile: {', '.join(missing)}; fix the tailoring table.")
tree.write(out, xml_declaration=True, encoding="UTF-8")
print(f"{len(disabled)} rule(s) left out of the profile, each with its reason: {out}")
