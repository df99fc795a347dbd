package objects

import "github.com/johannesboyne/gofakes3"

// ErrEntityTooSmall is S3's code for a CompleteMultipartUpload listing a part other than the
// last under MinPartSize. gofakes3 v1.2.0 has no constant for it, and answers 500 for codes
// it does not know, so the error CompleteMultipartUpload returns reports
// gofakes3.ErrInvalidArgument from its ErrorCode method (which gofakes3 turns into the
// status, 400 as in S3) while its XML body carries Code EntityTooSmall and S3's details. Use
// errors.Is(err, ErrEntityTooSmall).
const ErrEntityTooSmall gofakes3.ErrorCode = "EntityTooSmall"

// entityTooSmallError is the error of a part too small, rendered by gofakes3 as S3 does.
type entityTooSmallError struct {
	gofakes3.ErrorResponse
	ProposedSize   int64
	MinSizeAllowed int64
	PartNumber     int
	ETag           string
}

func entityTooSmall(size int64, part int, etag string) error {
	return &entityTooSmallError{
		ErrorResponse: gofakes3.ErrorResponse{
			Code:    ErrEntityTooSmall,
			Message: "Your proposed upload is smaller than the minimum allowed size",
		},
		ProposedSize:   size,
		MinSizeAllowed: MinPartSize,
		PartNumber:     part,
		ETag:           etag,
	}
}

// ErrorCode is the code gofakes3 takes the HTTP status from: InvalidArgument, whose status
// is EntityTooSmall's (400).
func (e *entityTooSmallError) ErrorCode() gofakes3.ErrorCode { return gofakes3.ErrInvalidArgument }

// Is reports whether target is ErrEntityTooSmall.
func (e *entityTooSmallError) Is(target error) bool { return target == ErrEntityTooSmall }
