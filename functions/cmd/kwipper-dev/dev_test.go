package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/client"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/shared/devstack/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// The demo data (scripts/dev --demo) leaves a published course whose video
// and PDF serve to its tutor, and loading it again on the same stack adds a
// course without failing on the accounts that exist.
func TestLoadDemo_publishesACourseWithReadyMedia(t *testing.T) {
	e := apitest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for range 2 {
		if err := loadDemo(ctx, e.URL); err != nil {
			t.Fatal(err)
		}
	}
	c := client.New(e.URL, time.Minute)
	token, err := c.Login(ctx, demoTutor, demoPassword)
	if err != nil {
		t.Fatal(err)
	}
	c = c.As(token)
	var list struct {
		Courses []struct {
			ID, Status string
		} `json:"courses"`
	}
	if err := c.Call(ctx, "GET", "/v1/courses", nil, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Courses) != 2 {
		t.Fatalf("catalog after loading the demo twice: %+v", list.Courses)
	}
	var items struct {
		Items []struct {
			ID, Kind string
		} `json:"items"`
	}
	if err := c.Call(ctx, "GET", "/v1/courses/"+list.Courses[0].ID+"/items", nil, &items); err != nil {
		t.Fatal(err)
	}
	for _, it := range items.Items {
		var content struct {
			URL  string `json:"url"`
			Size int64  `json:"size"`
		}
		if err := c.Call(ctx, "GET", "/v1/courses/"+list.Courses[0].ID+"/items/"+it.ID+"/content", nil, &content); err != nil {
			t.Fatalf("%s item: %v", it.Kind, err)
		}
		if it.Kind == "text" {
			continue
		}
		resp, err := http.Get(content.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.ContentLength != content.Size || content.Size == 0 {
			t.Fatalf("%s item serves %d, %d bytes (want %d)", it.Kind, resp.StatusCode, resp.ContentLength, content.Size)
		}
	}
}
