package events

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// EnsureTopic creates topic id when it does not exist (locally; Terraform
// owns topics in the cloud).
func EnsureTopic(ctx context.Context, c *pubsub.Client, id string) error {
	_, err := c.TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: TopicName(c.Project(), id)})
	if err != nil && status.Code(err) != codes.AlreadyExists {
		return fmt.Errorf("create topic %s: %w", id, err)
	}
	return nil
}

// TopicName is the full resource name of topic id.
func TopicName(project, id string) string { return "projects/" + project + "/topics/" + id }

// PushSubscription describes a push subscription as the cloud has it: a retry
// policy and, when DeadLetterTopic is set, a dead-letter policy.
type PushSubscription struct {
	ID, Topic, Endpoint string
	DeadLetterTopic     string
	MaxDeliveryAttempts int32
	// MaxBackoff caps the wait between redeliveries (default 60s, as in the
	// cloud).
	MaxBackoff time.Duration
}

// EnsurePushSubscription creates the subscription, or points an existing one
// at the endpoint (the local server's port may change between runs).
func EnsurePushSubscription(ctx context.Context, c *pubsub.Client, s PushSubscription) error {
	name := "projects/" + c.Project() + "/subscriptions/" + s.ID
	sub := &pubsubpb.Subscription{
		Name:               name,
		Topic:              TopicName(c.Project(), s.Topic),
		PushConfig:         &pubsubpb.PushConfig{PushEndpoint: s.Endpoint},
		AckDeadlineSeconds: 60,
		RetryPolicy: &pubsubpb.RetryPolicy{
			MinimumBackoff: durationpb.New(time.Second),
			MaximumBackoff: durationpb.New(cmp.Or(s.MaxBackoff, 60*time.Second)),
		},
	}
	if s.DeadLetterTopic != "" {
		n := s.MaxDeliveryAttempts
		if n == 0 {
			n = 5
		}
		sub.DeadLetterPolicy = &pubsubpb.DeadLetterPolicy{DeadLetterTopic: TopicName(c.Project(), s.DeadLetterTopic), MaxDeliveryAttempts: n}
	}
	_, err := c.SubscriptionAdminClient.CreateSubscription(ctx, sub)
	if status.Code(err) == codes.AlreadyExists {
		err = c.SubscriptionAdminClient.ModifyPushConfig(ctx, &pubsubpb.ModifyPushConfigRequest{
			Subscription: name, PushConfig: sub.PushConfig})
	}
	if err != nil {
		return fmt.Errorf("subscription %s: %w", s.ID, err)
	}
	return nil
}

// DeleteSubscription deletes subscription id (gone already is no error).
func DeleteSubscription(ctx context.Context, c *pubsub.Client, id string) error {
	err := c.SubscriptionAdminClient.DeleteSubscription(ctx, &pubsubpb.DeleteSubscriptionRequest{
		Subscription: "projects/" + c.Project() + "/subscriptions/" + id})
	if err != nil && status.Code(err) != codes.NotFound {
		return fmt.Errorf("delete subscription %s: %w", id, err)
	}
	return nil
}
