package web

import (
	"net/http"

	"github.com/kwipper/kwipper/shared/fnreg"
)

// Registration is the web app as the platform knows it: a service without a
// database whose two functions serve the app's page and its assets.
var Registration = fnreg.Define(fnreg.Service{Name: "web"}, routes(nil),
	func(d fnreg.Deps) ([]fnreg.Func, error) {
		s, err := build(d)
		return routes(s), err
	})

// routes are the app's functions bound to s (nil: their specs only).
func routes(s *Service) []fnreg.Func {
	return []fnreg.Func{
		{Spec: fnreg.Spec{Name: "web-app", Method: http.MethodGet, Path: "/{$}", Access: fnreg.Public,
			Summary: "The web app's page (HTML, short-cached; its routes are in the fragment)", Produces: []string{"text/html; charset=utf-8"}},
			HTTP: s.page},
		{Spec: fnreg.Spec{Name: "web-assets", Method: http.MethodGet, Path: "/assets/{file}", Access: fnreg.Public,
			Summary: "The web app's scripts and styles (content-hashed names, cached for good)", Produces: []string{"text/javascript; charset=utf-8", "text/css; charset=utf-8"}},
			HTTP: s.asset},
	}
}
