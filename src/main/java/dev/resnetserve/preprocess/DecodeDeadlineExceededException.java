package dev.resnetserve.preprocess;

/** The request's deadline passed while its image was decoding; the decode was stopped (503, deadline_exceeded). */
public class DecodeDeadlineExceededException extends RuntimeException {

    public DecodeDeadlineExceededException() {
        super("the request's deadline passed while its image was decoding; the decode was stopped");
    }
}
