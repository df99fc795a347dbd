// Package trail is CloudTrail: the records of the management calls fakeshift serves (handed
// to it by the HTTP front door once each handler has answered), trails and their delivery to
// S3 as gzip JSON files, signed hourly digest files for log file validation, and the
// CloudTrail API (CreateTrail, DescribeTrails, GetTrail, ListTrails, StartLogging,
// StopLogging, GetTrailStatus, DeleteTrail, LookupEvents, ListPublicKeys) over JSON 1.1.
//
// Records are kept in the store in arrival order, with an index per account that serves
// LookupEvents newest first. Each trail keeps a cursor into that order; records made while a
// trail is not logging are never its own. A delivery saves the file it is about to upload
// before uploading it, so that after a crash the same records go to the same key, once.
// Deliveries and the calls that change a trail hold one lock (Service.mu), so that neither
// saves over the other's change; records are written without it.
// Files go up as cloudtrail.amazonaws.com through s3fake's in-process client, so the bucket
// policy decides them as it decides CloudTrail's writes in AWS.
package trail
