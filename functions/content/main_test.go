package content_test

import (
	"testing"

	"github.com/kwipper/kwipper/shared/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }
