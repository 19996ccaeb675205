# AMI Bakery compliance evidence (Linux), run on the test instance launched from the image.
# Reads XCCDF results (SCC, OpenSCAP or usg), writes summary.json, uploads the report and the
# summary to s3://<bucket>/<prefix>/<image build version>/ and exits 1 when the scan does not pass:
# score below the threshold, or a failing rule that is not on the accepted list.
# Python 3 standard library only (no AWS CLI or boto3 on every image); SigV4 by hand.
# Generated into the component document by @ami-bakery/hardening: edit it there.
import datetime, glob, hashlib, hmac, json, os, re, sys, time, urllib.error, urllib.parse, urllib.request
import xml.etree.ElementTree as ET

CONFIG = json.loads(sys.argv[1])
IMDS = os.environ.get("AMI_BAKERY_IMDS", "http://169.254.169.254")
FAILED = ("fail", "error", "unknown")


def retry(what, work, tries=4):
    for attempt in range(1, tries + 1):
        try:
            return work()
        except (urllib.error.URLError, OSError) as error:
            if attempt == tries:
                raise SystemExit(f"{what} failed after {attempt} tries: {error}")
            time.sleep(2 ** attempt)


def http(method, url, headers=None, data=None, timeout=10):
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def imds(path, token):
    return retry(f"instance metadata {path} ({IMDS})", lambda: http("GET", f"{IMDS}/latest/{path}", {"X-aws-ec2-metadata-token": token}, timeout=5)).decode()


def local(tag):
    return tag.rsplit("}", 1)[-1]


def text(node):
    return (node.text or "").strip() if node is not None else ""


def first(node, name):
    return next((c for c in node.iter() if local(c.tag) == name), None)


def parse_results(path):
    root = ET.parse(path).getroot()
    tests = [e for e in root.iter() if local(e.tag) == "TestResult"]
    if not tests:
        raise SystemExit(f"{path}: no TestResult, not an XCCDF results file")
    test = tests[-1]
    bench = next((e for e in root.iter() if local(e.tag) == "Benchmark"), None)
    rules = {}
    if bench is not None:
        for group in (e for e in bench.iter() if local(e.tag) == "Group"):
            gid = group.get("id", "")
            for rule in (c for c in group if local(c.tag) == "Rule"):
                m = re.search(r"V-\d+", gid)
                rules[rule.get("id")] = {"title": text(first(rule, "title")), "group": m.group(0) if m else None}
    results = []
    for rr in (c for c in test if local(c.tag) == "rule-result"):
        known = rules.get(rr.get("idref"), {})
        results.append({"idref": rr.get("idref", ""), "result": text(first(rr, "result")) or "unknown", "severity": rr.get("severity"),
                        "version": rr.get("version"), "title": known.get("title"), "group": known.get("group")})
    ref = next((c for c in test if local(c.tag) == "benchmark"), None)
    profile = next((c for c in test if local(c.tag) == "profile"), None)
    return {
        "benchmark": {"id": (bench.get("id") if bench is not None else None) or (ref.get("id") if ref is not None else "") or "",
                      "title": text(first(bench, "title")) if bench is not None else "",
                      "version": (text(next((c for c in bench if local(c.tag) == "version"), None)) if bench is not None else "") or test.get("version", "")},
        "profile": profile.get("idref", "") if profile is not None else "",
        "rules": results,
    }


def matches(accepted, rule):
    want = accepted.strip()
    if want in (rule["idref"], rule.get("version"), rule.get("group")):
        return True
    m = re.search(r"SV-\d+", rule["idref"])
    if m and (want == m.group(0) or want.startswith(m.group(0) + "r")):
        return True
    return rule["idref"].endswith("_rule_" + want)


def summarize(results, config, report, identity):
    rules = results["rules"]
    count = lambda *names: sum(1 for r in rules if r["result"] in names)
    passed, failed, errors = count("pass", "fixed"), count("fail"), count("error", "unknown")
    evaluated = passed + failed + errors
    score = round(100 * passed / evaluated, 2) if evaluated else 0
    accepted = []
    for a in config["accepted"]:
        hit = next((r for r in rules if matches(a["rule"], r)), None)
        entry = {"id": a["rule"], "reason": a["reason"]}
        if a.get("title"):
            entry["title"] = a["title"]
        if hit:
            entry["result"] = hit["result"]
        accepted.append(entry)
    failing = []
    for r in rules:
        if r["result"] in FAILED and not any(matches(a["rule"], r) for a in config["accepted"]):
            entry = {"id": r.get("version") or r.get("group") or r["idref"], "detail": f"{r['result']} ({r['idref']})"}
            if r.get("title"):
                entry["title"] = r["title"]
            if r.get("severity"):
                entry["severity"] = r["severity"]
            failing.append(entry)
    bench = {k: v for k, v in results["benchmark"].items() if v or k != "title"}
    return {
        "schemaVersion": 1, "benchmark": bench, "profile": results["profile"], "scanner": config["scanner"], "report": os.path.basename(report),
        "counts": {"pass": passed, "fail": failed, "notApplicable": count("notapplicable"), "notChecked": count("notchecked", "notselected", "informational"), "error": errors},
        "score": score, "threshold": config["threshold"], "passed": bool(evaluated) and score >= config["threshold"] and not failing,
        "accepted": accepted, "failing": failing, **identity,
        "time": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def sign(method, url, region, service, creds, payload=b"", extra=None):
    parsed = urllib.parse.urlsplit(url)
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    digest = hashlib.sha256(payload).hexdigest()
    headers = {"host": parsed.netloc, "x-amz-date": amz_date, "x-amz-content-sha256": digest, **(extra or {})}
    if creds.get("Token"):
        headers["x-amz-security-token"] = creds["Token"]
    query = "&".join(f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}" for k, v in sorted(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True)))
    names = sorted(headers)
    canonical = "\n".join([method, urllib.parse.quote(parsed.path or "/", safe="/-_.~"), query, "".join(f"{n}:{headers[n].strip()}\n" for n in names), ";".join(names), digest])
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + creds["SecretAccessKey"]).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = f"AWS4-HMAC-SHA256 Credential={creds['AccessKeyId']}/{scope}, SignedHeaders={';'.join(names)}, Signature={signature}"
    return headers


def identity_and_creds():
    token = retry(f"IMDSv2 token ({IMDS})", lambda: http("PUT", f"{IMDS}/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds": "600"}, timeout=5)).decode()
    instance, image, region = imds("meta-data/instance-id", token), imds("meta-data/ami-id", token), imds("meta-data/placement/region", token)
    domain = imds("meta-data/services/domain", token).strip() or "amazonaws.com"
    role = imds("meta-data/iam/security-credentials/", token).split("\n")[0].strip()
    creds = json.loads(imds(f"meta-data/iam/security-credentials/{role}", token))
    ec2 = os.environ.get("AMI_BAKERY_EC2_ENDPOINT", f"https://ec2.{region}.{domain}")
    query = urllib.parse.urlencode({"Action": "DescribeTags", "Version": "2016-11-15", "Filter.1.Name": "resource-id", "Filter.1.Value.1": instance, "Filter.2.Name": "key", "Filter.2.Value.1": "Ec2ImageBuilderArn"})
    url = f"{ec2}/?{query}"
    body = retry(f"ec2:DescribeTags on {instance} ({ec2})", lambda: http("GET", url, sign("GET", url, region, "ec2", creds)))
    arn = text(next((e for e in ET.fromstring(body).iter() if local(e.tag) == "value"), None))
    if not arn:
        raise SystemExit(f"Instance {instance} has no Ec2ImageBuilderArn tag: not an Image Builder test instance?")
    return {"imageId": image, "imageBuildVersion": arn.rsplit("/", 1)[-1], "imageBuilderArn": arn}, region, domain, creds


def upload(files, bucket, prefix, region, domain, creds):
    s3 = os.environ.get("AMI_BAKERY_S3_ENDPOINT", f"https://s3.{region}.{domain}")
    for path in files:
        key = f"{prefix}/{os.path.basename(path)}"
        with open(path, "rb") as handle:
            payload = handle.read()
        url = f"{s3}/{bucket}/{urllib.parse.quote(key, safe='/-_.~')}"
        kind = {".json": "application/json", ".xml": "application/xml", ".html": "text/html"}.get(os.path.splitext(path)[1], "application/octet-stream")
        retry(f"s3:PutObject s3://{bucket}/{key} ({s3})", lambda: http("PUT", url, sign("PUT", url, region, "s3", creds, payload, {"content-type": kind}), payload, timeout=60))
    return f"s3://{bucket}/{prefix}/"


def main():
    work = CONFIG["work"]
    os.makedirs(work, exist_ok=True)
    # Patterns in order of preference: the first that matches anything wins (the location the
    # scanner documents first, then fallbacks), and within it the newest file.
    found = next((hits for hits in (glob.glob(pattern, recursive=True) for pattern in CONFIG["results"]) if hits), [])
    if not found:
        raise SystemExit(f"No XCCDF results in {', '.join(CONFIG['results'])}: did the scan run?")
    reports = sorted(found, key=os.path.getmtime)[-1:]
    results = parse_results(reports[0])
    identity, region, domain, creds = identity_and_creds()
    summary = summarize(results, CONFIG, reports[0], identity)
    summary_path = os.path.join(work, "summary.json")
    with open(summary_path, "w") as handle:
        json.dump(summary, handle, indent=2)
    extra = [p for pattern in CONFIG.get("extra", []) for p in glob.glob(pattern)]
    prefix = f"{CONFIG['prefix'].strip('/')}/{identity['imageBuildVersion']}"
    uri = upload(reports + extra + [summary_path], CONFIG["bucket"], prefix, region, domain, creds)
    c = summary["counts"]
    print(f"{summary['benchmark'].get('title') or summary['benchmark']['id']} {summary['benchmark']['version']}: {c['pass']} pass, {c['fail']} fail, "
          f"{c['error']} error, {c['notApplicable']} not applicable; score {summary['score']}% (threshold {summary['threshold']}%). Evidence: {uri}")
    for a in summary["accepted"]:
        print(f"  accepted {a['id']} ({a.get('result', 'not in this scan')}): {a['reason']}")
    for f in summary["failing"]:
        print(f"  FAILING {f['id']}: {f.get('title', '')} [{f['detail']}]")
    sys.exit(0 if summary["passed"] else 1)


if __name__ == "__main__":
    main()
