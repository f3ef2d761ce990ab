/**
 * File tools and read-only tools whose options write, read or run something: other spellings of the
 * red-team cases of the decision corpus (old-style tar clusters, suffixes and backups, sed addresses,
 * gawk's writing options), decided on the engine's path, and the sed script reader on its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrustLevel } from '../../../src/core/policy/types';
import { useCorpusDecider } from '../helpers/corpusDecider';
import { scanSedScript } from '../../../src/core/commands/tools/fileTools';

const NEVER = [
  // tar: old-style clusters take their values in order; -g writes; --remove-files deletes
  'tar cCf src .vscode/airlock.json .',
  'tar cfC .vscode/airlock.json src .',
  'tar cbf 20 .vscode/airlock.json src',
  'tar cvbf 20 .vscode/airlock.json src',
  'tar cgf .git/hooks/pre-commit out.tar src',
  'tar -cz --file x.tgz -g.git/hooks/pre-commit src',
  'tar --create --file=x.tar --listed-incremental=.vscode/airlock.json src',
  'tar cf - --listed-incr .git/hooks/pre-commit src',
  'tar -c -f x.tar --remove .git',
  'tar c --remove-files -f x.tar .vscode',
  'tar -cf x.tar -C src . -C .. --remove-files .git',
  'tar -cf x.tar -T list',
  // (de)compression names
  'gunzip -fS .bak .vscode/airlock.json.bak',
  'gzip -d --suffix=.bak .vscode/airlock.json.bak',
  'gunzip .vscode/airlock.json.Z',
  'gzip -S .json .vscode/airlock',
  'bzip2 -d .vscode/airlock.json.bz2',
  'unxz -S .bak .vscode/airlock.json.bak',
  'zstd -d .vscode/airlock.json.zst',
  'zstd -o .vscode/airlock.json src/app.ts',
  'gzip -dN x.gz',
  // backups
  'patch --backup --suffix=.json .vscode/airlock -i p.diff',
  'patch -bz.json .vscode/airlock p.diff',
  'patch -bB.git/hooks/ pre-commit p.diff',
  'patch -b --prefix=/tmp/ src/app.ts p.diff',
  'patch -b -Y .git/hooks/ pre-commit p.diff',
  'patch -d .git/hooks pre-commit p.diff',
  'cp -b -S .json src/app.ts .vscode/airlock',
  'mv --suffix=.json src/app.ts .vscode/airlock',
  'cp --backup -S .json src/airlock .vscode/',
  'ln -sbS.json src/app.ts .vscode/airlock',
  'sed -i.json s/a/b/ .vscode/airlock',
  'sed --in-place=.json s/a/b/ .vscode/airlock',
  "sed -i .json 's/a/b/' .vscode/airlock",
  "sed -i '.git/hooks/*' 's/a/b/' pre-commit",
  // sed scripts
  "sed -n '$ w .vscode/airlock.json' src/app.ts",
  "sed -n -e 1p -e '$w .git/hooks/pre-commit' src/app.ts",
  "sed --quiet --expression='0~3W .vscode/airlock.json' src/app.ts",
  "sed -n '/a/,+2{s/x/y/gw .vscode/airlock.json\n}' src/app.ts",
  "sed -n '\\%x%I,$!w .vscode/airlock.json' src/app.ts",
  "sed -n 's|a|b|3w /tmp/x' src/app.ts",
  "sed '2~2R .env' src/app.ts",
  "sed '$!r .env' src/app.ts",
  "sed 's/x/y/e' src/app.ts",
  "sed '1 e touch x' src/app.ts",
  "sed -n '/[/]/w x' src/app.ts",
  "sed -i '' '1w .git/hooks/pre-commit' src/app.ts",
  "sed -l 'w .vscode/airlock.json' p src/app.ts",
  // awk
  "gawk -d.vscode/airlock.json 'BEGIN{}'",
  "gawk --dump-var=.vscode/airlock.json 'BEGIN{}'",
  "gawk -p.git/hooks/pre-commit 'BEGIN{}'",
  "gawk -o.vscode/airlock.json 'BEGIN{}'",
  "awk -Wprofile=.git/hooks/pre-commit 'BEGIN{}'",
  "awk -W pretty-print=.vscode/airlock.json 'BEGIN{}'",
  "gawk -D 'BEGIN{}'",
  "awk 'BEGIN{ARGV[ARGC++]=\".env\"} {print}'",
  "awk 'BEGIN{f=\"system\"; @f(\"touch x\")}'",
  "awk '@load \"filefuncs\"; BEGIN{}'",
  // read-only tools that read or run
  'tree --fromfile .env',
  'tree --fromf ~/.ssh/id_rsa',
  "jq -n 'include \"credentials\"; .'",
  "jq -n 'import \"config\" as $c {search: \"~/.docker\"}; $c'",
  'jq -f prog.jq package.json',
  "jq --rawfile x .env -n '$x'",
  'zip -q@ s.zip',
  'zip --names-stdin s.zip',
  'shellcheck -- .env',
  'shellcheck --rcfile=.env scripts/test.sh',
  'shellcheck -x scripts/test.sh',
  'hadolint -c .env Dockerfile',
  'tokei --hidden',
  'tokei -- .env',
  'env_parallel --jobs 2 rm ::: .git',
  'gofmt -w=true ~/x.go',
  'gofmt --w ~/x.go',
  'gofmt -cpuprofile .vscode/airlock.json src',
  'nvidia-smi --gpu-reset',
  'nvidia-smi -i 0 -pm 1',
  'nvidia-smi -pl=200',
  'nvidia-smi -q -f .vscode/airlock.json',
];

const ORDINARY = [
  'tar -xzf a.tgz',
  'tar -czf out.tgz src',
  'tar czf out.tgz src',
  'tar tf a.tar',
  'tar xOf a.tar',
  'gzip -k src/app.ts',
  'gzip src/app.ts',
  'gunzip a.gz',
  'gzip -c src/app.ts',
  "sed -n '1,5p' src/app.ts",
  "sed -i 's/a/b/' src/app.ts",
  "sed 's/a/b/g' src/app.ts",
  "sed -n '/x/I{p;q}' src/app.ts",
  "sed -E 's/(a|b)+/X/g;s/[[:space:]]*$//' src/app.ts",
  "sed -n '$!N;P;D' src/app.ts",
  "sed 's/a/b/w /dev/stdout' src/app.ts",
  "awk '{print $1}' src/app.ts",
  "awk -F: -v x=1 '{print $1, x}' src/app.ts",
  'jq .name package.json',
  'jq .include package.json',
  "jq -n --arg a b '$a'",
  'tree src',
  'patch src/app.ts p.diff',
  'cp -b src/app.ts src/b.ts',
  'rsync -a src/ dst/',
  'shellcheck scripts/*.sh',
  'hadolint Dockerfile',
  'tokei src',
  'gofmt -l .',
  'gofmt -d src',
  'nvidia-smi',
  'nvidia-smi --query-gpu=name,memory.used --format=csv',
  'nvidia-smi -q -d MEMORY -i 0',
];

describe('file and read-only tool options (engine path)', () => {
  const decide = useCorpusDecider();

  for (const cmd of NEVER) {
    it(`never allows ${JSON.stringify(cmd)}`, () => {
      for (const t of [1, 2, 3] as TrustLevel[]) assert.ok(!decide(cmd, t).startsWith('allow'), `level ${t}: ${decide(cmd, t)}`);
    });
  }
  for (const cmd of ORDINARY) {
    it(`allows ${JSON.stringify(cmd)} at level 3`, () => {
      const d = decide(cmd, 3);
      assert.ok(d.startsWith('allow') || /tar -x writes|patch writes the files/.test(d), d);
    });
  }
});

describe('scanSedScript', () => {
  const cases: [string, { writes?: string[]; reads?: string[]; runs?: boolean; error?: boolean }][] = [
    ['$w out', { writes: ['out'] }],
    ['1,3w a b', { writes: ['a b'] }],
    ['0~1w x', { writes: ['x'] }],
    ['/x/Iw y', { writes: ['y'] }],
    ['\\%x%M,$ !W z', { writes: ['z'] }],
    ['s/a/b/gpw f;p', { writes: ['f;p'] }],
    ['s/a/b/ w f', { writes: ['f'] }],
    ['a foo; w x', {}],
    ['a\\\nfoo\\\nbar\nw x', { writes: ['x'] }],
    ['1{p;r in\n}', { reads: ['in'] }],
    ['$!N;P;D', {}],
    ['y/a\\/b/xyz/;R r', { reads: ['r'] }],
    ['s,x,y,e', { runs: true }],
    ['$e rm -rf .git', { runs: true }],
    ['b end; w out ;:end', { writes: ['out ;:end'] }],
    ['#n\n1p', {}],
    ['s/[/]/x/w f', { error: true }],
    ['s/a/b', { error: true }],
    ['{p', { error: true }],
    ['}', { error: true }],
    ['k', { error: true }],
    ['w', { error: true }],
  ];
  for (const [script, want] of cases) {
    it(JSON.stringify(script), () => {
      const got = scanSedScript(script);
      assert.equal(got.error !== undefined, want.error === true, JSON.stringify(got));
      if (want.error) return;
      assert.deepEqual(got.writes, want.writes ?? []);
      assert.deepEqual(got.reads, want.reads ?? []);
      assert.equal(got.runs !== undefined, want.runs === true);
    });
  }
});
