/**
 * The compliance page an auditor is sent: one self-contained HTML file (no scripts, no external
 * resources), per recipe the benchmark, the score of every build as a trend, the latest build's
 * failing rules and accepted exceptions with their reasons, and every build's evidence location.
 * Numbers sit in `data-*` attributes as well as in the text, so a test can read them back from
 * the rendered page.
 */
import type { ComplianceSummary } from './summary.js';

export interface BuildEvidence {
  recipe: string;
  recipeVersion: string;
  imageBuildVersion: string;
  /** `s3://bucket/evidence/<recipe>/<version>/<build>/` */
  uri: string;
  /** Object keys (file names) in the folder. */
  files: string[];
  summary: ComplianceSummary;
}

export interface RecipeEvidence {
  recipe: string;
  /** Oldest first. */
  builds: BuildEvidence[];
}

const html = (text: unknown) =>
  String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** Sorts builds by recipe version (numeric parts), then image build number. */
export function compareBuilds(a: { recipeVersion: string; imageBuildVersion: string }, b: { recipeVersion: string; imageBuildVersion: string }): number {
  const parts = (v: string) => v.split(/[./]/).map((p) => Number.parseInt(p, 10) || 0);
  const x = [...parts(a.recipeVersion), ...parts(a.imageBuildVersion)];
  const y = [...parts(b.recipeVersion), ...parts(b.imageBuildVersion)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

function trend(builds: BuildEvidence[]): string {
  const width = 560;
  const height = 140;
  const pad = 28;
  if (builds.length === 0) return '';
  const x = (i: number) => (builds.length === 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (builds.length - 1));
  const y = (score: number) => height - pad - (Math.max(0, Math.min(100, score)) * (height - 2 * pad)) / 100;
  const points = builds.map((b, i) => `${x(i).toFixed(1)},${y(b.summary.score).toFixed(1)}`).join(' ');
  const threshold = builds.at(-1)?.summary.threshold ?? 0;
  return [
    `<svg class="trend" role="img" aria-label="Score of each build" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    `<line class="threshold" x1="${pad}" x2="${width - pad}" y1="${y(threshold).toFixed(1)}" y2="${y(threshold).toFixed(1)}"><title>threshold ${html(threshold)} %</title></line>`,
    `<polyline points="${points}" fill="none" stroke="#1f6feb" stroke-width="2"/>`,
    ...builds.map(
      (b, i) =>
        `<circle class="point ${b.summary.passed ? 'passed' : 'failed'}" data-build="${html(`${b.recipeVersion}/${b.imageBuildVersion}`)}" data-score="${html(b.summary.score)}" cx="${x(i).toFixed(1)}" cy="${y(b.summary.score).toFixed(1)}" r="4"><title>${html(`${b.recipeVersion}/${b.imageBuildVersion}: ${b.summary.score} %`)}</title></circle>`,
    ),
    `<text x="4" y="${(y(100) + 4).toFixed(1)}">100</text><text x="4" y="${(y(0) + 4).toFixed(1)}">0</text>`,
    '</svg>',
  ].join('');
}

function recipeSection(recipe: RecipeEvidence): string {
  const latest = recipe.builds.at(-1);
  if (!latest) return '';
  const s = latest.summary;
  const rows = [...recipe.builds]
    .reverse()
    .map(
      (b) =>
        `<tr class="build" data-build="${html(`${b.recipeVersion}/${b.imageBuildVersion}`)}"><td>${html(b.recipeVersion)}</td><td>${html(b.imageBuildVersion)}</td><td>${html(b.summary.imageId)}</td><td>${html(b.summary.benchmark.version)}</td><td class="score" data-score="${html(b.summary.score)}">${html(b.summary.score)} %</td><td data-pass="${b.summary.counts.pass}">${b.summary.counts.pass}</td><td data-fail="${b.summary.counts.fail}">${b.summary.counts.fail}</td><td>${b.summary.counts.notApplicable}</td><td class="${b.summary.passed ? 'passed' : 'failed'}">${b.summary.passed ? 'passed' : 'failed'}</td><td><code>${html(b.uri)}</code></td><td>${html(b.summary.time)}</td></tr>`,
    )
    .join('\n');
  const failing =
    s.failing.length === 0
      ? '<p class="none">No failing rule outside the accepted list.</p>'
      : `<table class="failing"><thead><tr><th>rule</th><th>title</th><th>severity</th><th>detail</th></tr></thead><tbody>${s.failing
          .map((f) => `<tr class="failing-rule" data-rule="${html(f.id)}"><td>${html(f.id)}</td><td>${html(f.title)}</td><td>${html(f.severity)}</td><td>${html(f.detail)}</td></tr>`)
          .join('')}</tbody></table>`;
  const accepted =
    s.accepted.length === 0
      ? '<p class="none">No accepted exception.</p>'
      : `<table class="accepted"><thead><tr><th>rule</th><th>title</th><th>result in this build</th><th>reason</th></tr></thead><tbody>${s.accepted
          .map((a) => `<tr class="exception" data-rule="${html(a.id)}"><td>${html(a.id)}</td><td>${html(a.title)}</td><td>${html(a.result ?? '')}</td><td class="reason">${html(a.reason)}</td></tr>`)
          .join('')}</tbody></table>`;
  return `<section class="recipe" id="${html(recipe.recipe)}" data-recipe="${html(recipe.recipe)}" data-builds="${recipe.builds.length}" data-latest-score="${html(s.score)}">
<h2>${html(recipe.recipe)}</h2>
<dl>
<dt>benchmark</dt><dd class="benchmark">${html(s.benchmark.title || s.benchmark.id)}</dd>
<dt>benchmark version</dt><dd class="benchmark-version">${html(s.benchmark.version)}</dd>
<dt>profile</dt><dd>${html(s.profile)}</dd>
<dt>scanner</dt><dd>${html(s.scanner)}</dd>
<dt>latest build</dt><dd>${html(latest.recipeVersion)}/${html(latest.imageBuildVersion)}, ${html(s.imageId)}: <strong class="latest-score" data-score="${html(s.score)}">${html(s.score)} %</strong> (threshold ${html(s.threshold)} %, ${s.passed ? 'passed' : 'failed'})</dd>
</dl>
<h3>Score over builds</h3>
${trend(recipe.builds)}
<h3>Failing rules (latest build)</h3>
${failing}
<h3>Accepted exceptions (latest build)</h3>
${accepted}
<h3>Builds</h3>
<table class="builds"><thead><tr><th>recipe version</th><th>build</th><th>AMI</th><th>benchmark version</th><th>score</th><th>pass</th><th>fail</th><th>n/a</th><th>result</th><th>evidence</th><th>time</th></tr></thead><tbody>
${rows}
</tbody></table>
</section>`;
}

export function renderCompliancePage(recipes: readonly RecipeEvidence[], options: { title?: string; generatedAt: string; source: string }): string {
  const title = options.title ?? 'AMI Bakery compliance';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;color:#1f2328;padding:0 1rem}
h1{font-size:1.6rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}dl{display:grid;grid-template-columns:12rem 1fr;gap:.2rem 1rem}dt{color:#59636e}
.passed{color:#1a7f37}.failed{color:#cf222e}.none{color:#59636e}code{font-size:12px}
svg.trend{border:1px solid #d0d7de;background:#fff}svg .threshold{stroke:#cf222e;stroke-dasharray:4 3}svg circle.passed{fill:#1a7f37}svg circle.failed{fill:#cf222e}svg text{font-size:10px;fill:#59636e}
</style>
</head>
<body>
<h1>${html(title)}</h1>
<p>Evidence from <code>${html(options.source)}</code>, read ${html(options.generatedAt)}. Every build's raw report and <code>summary.json</code> are at the evidence location in its row.</p>
<table class="overview"><thead><tr><th>recipe</th><th>benchmark</th><th>latest score</th><th>builds</th><th>latest result</th></tr></thead><tbody>
${recipes
  .map((r) => {
    const s = r.builds.at(-1)?.summary;
    return `<tr data-recipe="${html(r.recipe)}"><td><a href="#${html(r.recipe)}">${html(r.recipe)}</a></td><td>${html(s?.benchmark.title || s?.benchmark.id)} ${html(s?.benchmark.version)}</td><td class="score" data-score="${html(s?.score)}">${html(s?.score)} %</td><td>${r.builds.length}</td><td class="${s?.passed ? 'passed' : 'failed'}">${s?.passed ? 'passed' : 'failed'}</td></tr>`;
  })
  .join('\n')}
</tbody></table>
${recipes.map(recipeSection).join('\n')}
</body>
</html>
`;
}
