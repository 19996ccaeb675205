/**
 * PowerShell that every Windows evidence document ends with: find out which image build this
 * test instance belongs to, upload the evidence files, print where they went.
 *
 * Image Builder tags its build and test instances `Ec2ImageBuilderArn` =
 * `arn:<partition>:imagebuilder:<region>:<account>:image/<image recipe>/<version>/<build>`; the
 * instance reads its own tag (ec2:DescribeTags) and the AMI it runs from (IMDSv2). The upload
 * uses the AWS Tools for PowerShell that Amazon's Windows AMIs ship; the bucket's default
 * encryption (SSE-KMS with the bakery key) applies, so no key is named here.
 *
 * Expects: `$bucket`, `$prefix` (`evidence/<recipe>/<recipe version>`), `$work` (folder holding
 * the files), `$evidence` (file names in `$work`). Sets `$imageId`, `$buildVersion`, `$evidenceUri`.
 */

/** Lines that read the instance's identity; run before the summary is written (it records them). */
export const WINDOWS_IDENTITY: readonly string[] = [
  'function Invoke-WithRetry([scriptblock]$Work, [string]$What) {',
  '  for ($try = 1; ; $try++) {',
  '    try { return & $Work } catch {',
  '      if ($try -ge 4) { throw "$What failed after $try tries: $($_.Exception.Message)" }',
  '      Start-Sleep -Seconds ([math]::Pow(2, $try))',
  '    }',
  '  }',
  '}',
  "$imds = 'http://169.254.169.254/latest'",
  "$token = Invoke-WithRetry { Invoke-RestMethod -Method Put -Uri \"$imds/api/token\" -Headers @{ 'X-aws-ec2-metadata-token-ttl-seconds' = '600' } -TimeoutSec 5 } 'IMDSv2 token (169.254.169.254)'",
  "function Get-Metadata([string]$Path) { Invoke-WithRetry { Invoke-RestMethod -Uri \"$imds/meta-data/$Path\" -Headers @{ 'X-aws-ec2-metadata-token' = $token } -TimeoutSec 5 } \"instance metadata $Path\" }",
  "$instanceId = Get-Metadata 'instance-id'",
  "$imageId = Get-Metadata 'ami-id'",
  "$region = Get-Metadata 'placement/region'",
  "$builderArn = Invoke-WithRetry { (Get-EC2Tag -Region $region -Filter @{ Name = 'resource-id'; Values = $instanceId }, @{ Name = 'key'; Values = 'Ec2ImageBuilderArn' }).Value } \"ec2:DescribeTags on $instanceId (ec2.$region.amazonaws.com)\"",
  "if (-not $builderArn) { throw \"Instance $instanceId has no Ec2ImageBuilderArn tag: not an Image Builder test instance?\" }",
  "$buildVersion = ($builderArn -split '/')[-1]",
];

/** Lines that upload `$evidence` from `$work` to `s3://$bucket/$prefix/$buildVersion/`. */
export const WINDOWS_UPLOAD: readonly string[] = [
  '$evidenceUri = "s3://$bucket/$prefix/$buildVersion/"',
  'foreach ($file in $evidence) {',
  '  $key = "$prefix/$buildVersion/$file"',
  "  Invoke-WithRetry { Write-S3Object -Region $region -BucketName $bucket -Key $key -File (Join-Path $work $file) } \"s3:PutObject s3://$bucket/$key (s3.$region.amazonaws.com)\" | Out-Null",
  '}',
  'Write-Output "Evidence: $evidenceUri ($($evidence -join \', \'))"',
];
