package hashring

import (
	"fmt"
	"math"
	"testing"
)

func keys(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("shard-%d", i)
	}
	return out
}

func members(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("worker-%d", i)
	}
	return out
}

// TestBalance states the bound: with DefaultVNodes virtual nodes, every
// member of rings of 2 to 16 owns between 0.8 and 1.2 times its fair share
// of 100k keys.
func TestBalance(t *testing.T) {
	ks := keys(100_000)
	for _, n := range []int{2, 3, 4, 8, 16} {
		r := New(0, members(n)...)
		fair := float64(len(ks)) / float64(n)
		lo, hi := math.Inf(1), 0.0
		for m, got := range r.Assign(ks) {
			if m == "" {
				t.Fatalf("key without member")
			}
			share := float64(len(got)) / fair
			lo, hi = math.Min(lo, share), math.Max(hi, share)
		}
		t.Logf("members=%d vnodes=%d share of fair: min %.3f max %.3f", n, DefaultVNodes, lo, hi)
		if lo < 0.8 || hi > 1.2 {
			t.Errorf("members=%d: shares %.3f..%.3f outside 0.8..1.2", n, lo, hi)
		}
	}
}

// TestJoinAndLeaveMoveOnlyTheirShare checks that a joining member takes
// about 1/(N+1) of the keys, all of them to itself, and that a leaving member
// hands over only its own keys.
func TestJoinAndLeaveMoveOnlyTheirShare(t *testing.T) {
	ks := keys(100_000)
	for _, n := range []int{3, 4, 8} {
		r := New(0, members(n)...)
		joined := r.With("worker-new")
		moved := 0
		for _, k := range ks {
			before, after := r.Lookup(k), joined.Lookup(k)
			if before != after {
				moved++
				if after != "worker-new" {
					t.Fatalf("n=%d: key %s moved %s -> %s, not to the new member", n, k, before, after)
				}
			}
		}
		frac, want := float64(moved)/float64(len(ks)), 1/float64(n+1)
		t.Logf("n=%d join: moved %.3f of keys (1/(n+1) = %.3f)", n, frac, want)
		if frac < 0.7*want || frac > 1.3*want {
			t.Errorf("n=%d join: moved %.3f, want within ±30%% of %.3f", n, frac, want)
		}

		left := r.Without("worker-0")
		moved = 0
		for _, k := range ks {
			before, after := r.Lookup(k), left.Lookup(k)
			if before != after {
				moved++
				if before != "worker-0" {
					t.Fatalf("n=%d: key %s moved %s -> %s though its member stayed", n, k, before, after)
				}
			}
			if after == "worker-0" {
				t.Fatalf("n=%d: key %s still on the removed member", n, k)
			}
		}
		frac, want = float64(moved)/float64(len(ks)), 1/float64(n)
		t.Logf("n=%d leave: moved %.3f of keys (1/n = %.3f)", n, frac, want)
		if frac < 0.7*want || frac > 1.3*want {
			t.Errorf("n=%d leave: moved %.3f, want within ±30%% of %.3f", n, frac, want)
		}
	}
}

func TestEdges(t *testing.T) {
	if got := New(0).Lookup("x"); got != "" {
		t.Errorf("empty ring Lookup = %q", got)
	}
	r := New(8, "a", "a", "b")
	if got := r.Members(); len(got) != 2 {
		t.Errorf("duplicates counted: %v", got)
	}
	if r.Lookup("k") != New(8, "b", "a").Lookup("k") {
		t.Errorf("ring depends on member order")
	}
	if got := New(0, "solo").Lookup("anything"); got != "solo" {
		t.Errorf("single member ring Lookup = %q", got)
	}
}
