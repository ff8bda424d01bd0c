"""Local runtime helpers (DynamoDB Local, dev server). Never imported by the Lambda handler."""
