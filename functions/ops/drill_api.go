package ops

import (
	"context"

	"github.com/kwipper/kwipper/functions/client"
)

// subscriptionView is what the API says of a subscription.
type subscriptionView struct {
	ID                string `json:"id"`
	CourseID          string `json:"course_id"`
	Status            string `json:"status"`
	ReasonCode        string `json:"reason_code"`
	CancelAtPeriodEnd bool   `json:"cancel_at_period_end"`
}

// itemView is what the API says of a course item.
type itemView struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

// items lists a course's items as the client sees them.
func items(ctx context.Context, c *client.Client, courseID string) ([]itemView, error) {
	var out struct {
		Items []itemView `json:"items"`
	}
	err := c.Call(ctx, "GET", "/v1/courses/"+courseID+"/items", nil, &out)
	return out.Items, err
}
