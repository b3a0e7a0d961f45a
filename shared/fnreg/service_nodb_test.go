package fnreg

import (
	"net/http"
	"testing"
	"testing/fstest"
)

// A service without a database (the web app) has no migrations, and its
// handlers are built with no database client or outbox.
func TestDefine_serviceWithoutDatabase(t *testing.T) {
	var got Deps
	svc := Define(Service{Name: "web"}, []Func{{Spec: Spec{Name: "web-app", Method: http.MethodGet, Path: "/{$}", Access: Public, Summary: "s"},
		HTTP: func(http.ResponseWriter, *http.Request) error { return nil }}},
		func(d Deps) ([]Func, error) {
			got = d
			return []Func{{Spec: Spec{Name: "web-app"}, HTTP: func(http.ResponseWriter, *http.Request) error { return nil }}}, nil
		})
	if svc.HasDatabase() {
		t.Fatal("HasDatabase without a database")
	}
	ms, err := svc.Migrations()
	if err != nil || len(ms) != 0 {
		t.Fatalf("Migrations() = %v, %v; want none", ms, err)
	}
	hs, err := svc.Build(Deps{})
	if err != nil || hs["web-app"] == nil || got.DB != nil || got.Outbox != nil {
		t.Fatalf("Build: %v %v %+v", hs, err, got)
	}
	if !(Service{Database: "courses"}).HasDatabase() {
		t.Fatal("a service with a database says it has none")
	}
}

// Without a database there is no outbox, so no schema and no topics to
// publish: declaring either is a wiring bug caught at start-up.
func TestDefine_serviceWithoutDatabaseMayNotPublish(t *testing.T) {
	for name, svc := range map[string]Service{
		"schema":    {Name: "web", Schema: fstest.MapFS{}},
		"publishes": {Name: "web", Publishes: []string{"web-events"}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Define accepted a service without a database that has one", name)
				}
			}()
			Define(svc, nil, func(Deps) ([]Func, error) { return nil, nil })
		}()
	}
}
