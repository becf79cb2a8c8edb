package dynamo_test

import "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

func subKey(sub string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"sub": &types.AttributeValueMemberS{Value: sub}}
}

func attrString(v types.AttributeValue) string {
	s, _ := v.(*types.AttributeValueMemberS)
	if s == nil {
		return ""
	}
	return s.Value
}
