# AMI Bakery compliance evidence (Windows), run on the test instance launched from the image.
# Reads the newest SCC XCCDF results, writes summary.json, uploads the report and the summary,
# and fails when the score is below the threshold or a failing rule is not accepted.
# Patterns in order of preference: the first that matches anything wins (the location the scanner
# documents first, then fallbacks), and within it the newest file. '\**\' in a pattern means any
# folders below: the part before it is searched recursively for the file name after it.
$found = @()
foreach ($pattern in $config.results) {
  $parts = $pattern -split '\\\*\*\\', 2
  $found = @(if ($parts.Count -eq 2) { Get-ChildItem -Path $parts[0] -Recurse -File -Filter $parts[1] -ErrorAction SilentlyContinue } else { Get-ChildItem -Path $pattern -File -ErrorAction SilentlyContinue })
  if ($found.Count -gt 0) { break }
}
if ($found.Count -eq 0) { throw "No XCCDF results in $($config.results -join ', '): did the scan run?" }
$report = ($found | Sort-Object LastWriteTimeUtc | Select-Object -Last 1).FullName
[xml]$xml = Get-Content -LiteralPath $report -Raw
$test = @($xml.SelectNodes("//*[local-name()='TestResult']"))[-1]
if (-not $test) { throw "${report}: no TestResult, not an XCCDF results file" }
$bench = $xml.SelectSingleNode("//*[local-name()='Benchmark']")
$rules = @{}
if ($bench) {
  foreach ($g in $bench.SelectNodes(".//*[local-name()='Group']")) {
    $v = if ($g.GetAttribute('id') -match 'V-\d+') { $Matches[0] } else { $null }
    foreach ($r in $g.SelectNodes("./*[local-name()='Rule']")) { $rules[$r.GetAttribute('id')] = @{ title = "$($r.SelectSingleNode("./*[local-name()='title']").InnerText)".Trim(); group = $v } }
  }
}
$results = foreach ($rr in $test.SelectNodes("./*[local-name()='rule-result']")) {
  $id = $rr.GetAttribute('idref'); $known = $rules[$id]
  [pscustomobject]@{ idref = $id; result = "$($rr.SelectSingleNode("./*[local-name()='result']").InnerText)".Trim(); severity = $rr.GetAttribute('severity'); version = $rr.GetAttribute('version'); title = $known.title; group = $known.group }
}
function Test-Accepted([string]$Want, $R) {
  $Want = $Want.Trim()
  if ($Want -and ($Want -ceq $R.idref -or $Want -ceq $R.version -or $Want -ceq $R.group)) { return $true }
  if ($R.idref -match 'SV-\d+' -and ($Want -ceq $Matches[0] -or $Want.StartsWith("$($Matches[0])r"))) { return $true }
  return $R.idref.EndsWith("_rule_$Want")
}
function Count([string[]]$Names) { @($results | Where-Object { $Names -contains $_.result }).Count }
$pass = Count 'pass', 'fixed'; $fail = Count 'fail'; $errors = Count 'error', 'unknown'
$evaluated = $pass + $fail + $errors
$score = if ($evaluated -gt 0) { [math]::Round(100 * $pass / $evaluated, 2) } else { 0 }
$accepted = @(foreach ($a in $config.accepted) {
  $hit = $results | Where-Object { Test-Accepted $a.rule $_ } | Select-Object -First 1
  $e = [ordered]@{ id = $a.rule; reason = $a.reason }
  if ($a.title) { $e.title = $a.title }
  if ($hit) { $e.result = $hit.result }
  $e
})
$failing = @(foreach ($r in $results) {
  if (@('fail', 'error', 'unknown') -notcontains $r.result) { continue }
  if (@($config.accepted | Where-Object { Test-Accepted $_.rule $r }).Count -gt 0) { continue }
  $e = [ordered]@{ id = $(if ($r.version) { $r.version } elseif ($r.group) { $r.group } else { $r.idref }); detail = "$($r.result) ($($r.idref))" }
  if ($r.title) { $e.title = $r.title }
  if ($r.severity) { $e.severity = $r.severity }
  $e
})
$version = if ($bench) { "$($bench.SelectSingleNode("./*[local-name()='version']").InnerText)".Trim() } else { $test.GetAttribute('version') }
$title = if ($bench) { "$($bench.SelectSingleNode("./*[local-name()='title']").InnerText)".Trim() } else { '' }
$profileNode = $test.SelectSingleNode("./*[local-name()='profile']")
$work = $config.work
New-Item -ItemType Directory -Force -Path $work | Out-Null
Copy-Item -LiteralPath $report -Destination $work -Force
$bucket = $config.bucket; $prefix = $config.prefix.Trim('/')
