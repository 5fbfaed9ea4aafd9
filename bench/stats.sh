# Sourced by the benchmark scripts: the statistics they print.
# med: the median of the arguments.
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
# iqr: their spread, the lower and upper quartiles (nearest rank).
iqr() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{printf "%s-%s", a[int((NR+3)/4)], a[int((3*NR+3)/4)]}'; }
