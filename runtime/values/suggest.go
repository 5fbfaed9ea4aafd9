package values

import "strings"

// Suggest returns the candidate closest to word when it is close enough to
// be a likely typo, or "": the "did you mean" of every message about values,
// here and in harness-deployment.
func Suggest(word string, candidates []string) string {
	norm := func(s string) string {
		return strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(s))
	}
	best, bestDist := "", -1
	for _, c := range candidates {
		if norm(c) == norm(word) {
			return c
		}
	}
	for _, c := range candidates { // a key cut short: branch for branch_tag
		if len(word) >= 3 && strings.HasPrefix(norm(c), norm(word)) {
			return c
		}
	}
	for _, c := range candidates {
		d := distance(word, c)
		if bestDist < 0 || d < bestDist || (d == bestDist && c < best) {
			best, bestDist = c, d
		}
	}
	limit := len(word) / 3
	if limit < 1 {
		limit = 1
	}
	if limit > 3 {
		limit = 3
	}
	if bestDist >= 0 && bestDist <= limit {
		return best
	}
	return ""
}

// distance is the edit distance between a and b (by bytes) counting a swap
// of two neighbours as one edit, the commonest typo (optimal string alignment).
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 { // a typo is short; skip quadratic work on junk
		return 1 << 20
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
