package dev.resnetserve.preprocess;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;

/** The request's deadline passed while its image was decoding; the decode was stopped (503, deadline_exceeded). */
public class DecodeDeadlineExceededException extends ServiceException {

    public DecodeDeadlineExceededException() {
        super(
                ErrorCode.DEADLINE_EXCEEDED,
                "the request's deadline passed while its image was decoding; the decode was stopped");
    }
}
