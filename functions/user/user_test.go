package user

import (
	"strings"
	"testing"
)

func TestHasher(t *testing.T) {
	h := Hasher{Time: 1, Memory: 1024, Threads: 1}
	hash, err := h.Hash("correct-horse-42")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := h.Verify(hash, "correct-horse-42"); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, _ := h.Verify(hash, "correct-horse-43"); ok {
		t.Fatal("wrong password accepted")
	}
	if _, err := h.Verify("$2a$10$bcrypt", "x"); err == nil {
		t.Fatal("foreign hash accepted")
	}
}

func TestValidateRegistration(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  RegisterRequest
		bad  []string
	}{
		{"ok", RegisterRequest{"A@B.co", "pass-word-1", "A", []string{"Tutor"}, "id"}, nil},
		{"everything_wrong", RegisterRequest{"x", "p", "", nil, "ZZ"}, []string{"email", "password", "display_name", "roles", "country"}},
		{"password_contains_email", RegisterRequest{"maria@b.co", "maria-12345", "M", []string{"learner"}, "MX"}, []string{"password"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := validateRegistration(tc.req)
			if len(tc.bad) == 0 && err != nil {
				t.Fatal(err)
			}
			for _, f := range tc.bad {
				if err == nil || !contains(err.Error(), f+":") {
					t.Errorf("field %s not reported: %v", f, err)
				}
			}
		})
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
