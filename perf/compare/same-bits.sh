#!/usr/bin/env bash
# Same bits before and after a change, on cpu: each training recipe's --json summary (timings and the fields a newer
# build adds left out) and model.safetensors hash, then runs written by the OLD build resumed by each build.
#   perf/compare/same-bits.sh OLD/gpunet.dll NEW/gpunet.dll [WORKDIR]
# Needs jq. Prints one line per recipe: "same" or "DIFFERENT" with the diff.
set -uo pipefail
old=$1 new=$2 work=${3:-$(mktemp -d)}
mkdir -p "$work"
strip='del(.samples_per_second, .seconds, .options, .best_epoch, .lr)'
base=(--data spirals --samples 1200 --classes 3 --hidden 32,16 --batch-size 32 --device cpu --quiet --seed 4)
recipes=("sgd:--momentum 0" "sgd-momentum:--momentum 0.9 --nesterov --weight-decay 1e-3"
         "adam:--optimizer adam --lr 0.01 --weight-decay 1e-3" "adamw:--optimizer adamw --lr 0.01 --weight-decay 0.05"
         "clip:--clip-norm 0.5 --lr 0.5" "clip-adam:--optimizer adam --lr 0.05 --clip-norm 0.1"
         "dropout:--dropout 0.3" "class-weight:--class-weight 1,3,0.5")

summary() { jq -S "$strip" 2>/dev/null; }
report() { # name, file a, file b, model a, model b
  if [ -s "$2" ] && cmp -s "$2" "$3" && [ "$(sha256sum < "$4")" = "$(sha256sum < "$5")" ]; then echo "same       $1"
  else echo "DIFFERENT  $1"; diff "$2" "$3"; fi
}

for r in "${recipes[@]}"; do
  name=${r%%:*}; read -ra extra <<< "${r#*:}"
  for side in old new; do
    dll=$old; [ $side = new ] && dll=$new
    dotnet "$dll" train "${base[@]}" --epochs 3 "${extra[@]}" --json --out "$work/$name.$side" 2>/dev/null | summary > "$work/$name.$side.json"
  done
  report "train $name" "$work/$name.old.json" "$work/$name.new.json" "$work/$name.old/model.safetensors" "$work/$name.new/model.safetensors"
done

for r in "${recipes[@]:0:4}"; do # runs the old build wrote, resumed by each build
  name=${r%%:*}; read -ra extra <<< "${r#*:}"
  dotnet "$old" train "${base[@]}" --epochs 2 "${extra[@]}" --out "$work/resume-$name" >/dev/null
  cp -r "$work/resume-$name" "$work/resume-$name.old"; cp -r "$work/resume-$name" "$work/resume-$name.new"
  dotnet "$old" train --resume "$work/resume-$name.old" --epochs 4 --json --quiet 2>/dev/null | summary > "$work/resume-$name.old.json"
  dotnet "$new" train --resume "$work/resume-$name.new" --epochs 4 --json --quiet 2>/dev/null | summary > "$work/resume-$name.new.json"
  report "resume of an old $name run" "$work/resume-$name.old.json" "$work/resume-$name.new.json" "$work/resume-$name.old/model.safetensors" "$work/resume-$name.new/model.safetensors"
done
