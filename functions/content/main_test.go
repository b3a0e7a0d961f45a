package content_test

import (
	"testing"

	"github.com/kwipper/kwipper/shared/devstack/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }
