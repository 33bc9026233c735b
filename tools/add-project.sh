#!/usr/bin/env bash
# Adds a workspace project: tools/add-project.sh <dir> <import-name> "<tags comma separated>" [lib|app]
set -euo pipefail
dir=$1 name=$2 tags=$3 kind=${4:-lib}
mkdir -p "$dir/src"
pkg="@smartcity/$name"
schema="$(printf '%s' "$dir" | sed 's#[^/][^/]*#..#g')/node_modules/nx/schemas/project-schema.json"
tagsJson=$(printf '%s' "$tags" | awk -F, '{for(i=1;i<=NF;i++){printf "%s\"%s\"", (i>1?", ":""), $i}}')
cat > "$dir/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "$schema",
  "projectType": "$( [ "$kind" = app ] && echo application || echo library )",
  "sourceRoot": "$dir/src",
  "tags": [$tagsJson]
}
JSON
cat > "$dir/package.json" <<JSON
{
  "name": "$pkg",
  "version": "0.1.0",
  "private": true,
  "main": "src/$( [ "$kind" = app ] && echo main || echo index ).ts"
}
JSON
if [ "$kind" = lib ]; then
  [ -f "$dir/src/index.ts" ] || echo "export {};" > "$dir/src/index.ts"
  node -e '
    const fs=require("fs");const f="tsconfig.base.json";const j=JSON.parse(fs.readFileSync(f,"utf8"));
    j.compilerOptions.paths[process.argv[1]]=[process.argv[2]+"/src/index.ts"];
    const sorted={};for(const k of Object.keys(j.compilerOptions.paths).sort())sorted[k]=j.compilerOptions.paths[k];
    j.compilerOptions.paths=sorted;fs.writeFileSync(f,JSON.stringify(j,null,2)+"\n");' "$pkg" "$dir"
fi
