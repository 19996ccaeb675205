$summary = [ordered]@{
  schemaVersion = 1
  benchmark = [ordered]@{ id = $(if ($bench) { $bench.GetAttribute('id') } else { '' }); title = $title; version = $version }
  profile = $(if ($profileNode) { $profileNode.GetAttribute('idref') } else { '' })
  scanner = $config.scanner
  report = (Split-Path $report -Leaf)
  counts = [ordered]@{ pass = $pass; fail = $fail; notApplicable = (Count 'notapplicable'); notChecked = (Count 'notchecked', 'notselected', 'informational'); error = $errors }
  score = $score
  threshold = $config.threshold
  passed = ($evaluated -gt 0 -and $score -ge $config.threshold -and $failing.Count -eq 0)
  accepted = $accepted
  failing = $failing
  imageId = $imageId
  imageBuildVersion = $buildVersion
  imageBuilderArn = $builderArn
  time = (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
}
$summary | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath (Join-Path $work 'summary.json') -Encoding UTF8
$evidence = @((Split-Path $report -Leaf), 'summary.json')
