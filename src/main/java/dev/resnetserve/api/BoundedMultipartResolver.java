package dev.resnetserve.api;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.util.StringUtils;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.multipart.MultipartResolver;
import org.springframework.web.multipart.support.DefaultMultipartHttpServletRequest;

/**
 * Multipart bodies (classify, explain, TorchServe's predictions) read within a raw body's bounds: the whole body
 * within {@code resnet.limits.body-read-timeout} (then 408 {@code body_timeout}; a read that blocks is bounded by
 * the connection timeout), each file and the whole body within {@code max-body-size} (413), at most
 * {@code max-parts} parts and 64 KB a field (400 {@code invalid_multipart}). Tomcat's own parser, which this
 * replaces, has the per-read timeout only: a body trickled a byte every few seconds held its thread for as long as
 * its size allowed. Parts are read when a handler first asks for a part or a field, so the fine-tuning endpoint can
 * still stream its upload itself, within its own bounds. The parts are held in memory, as a raw body is.
 */
public final class BoundedMultipartResolver implements MultipartResolver {

    /** Bytes of the body beyond its files: boundaries, part headers, small fields. */
    static final int ENVELOPE_BYTES = 64 * 1024;

    private final RequestLimits limits;
    private final int maxParts;

    public BoundedMultipartResolver(RequestLimits limits, int maxParts) {
        this.limits = limits;
        this.maxParts = maxParts;
    }

    @Override
    public boolean isMultipart(HttpServletRequest request) {
        return StringUtils.startsWithIgnoreCase(request.getContentType(), "multipart/");
    }

    @Override
    public MultipartHttpServletRequest resolveMultipart(HttpServletRequest request) {
        return new Parsed(request);
    }

    @Override
    public void cleanupMultipart(MultipartHttpServletRequest request) {
        // nothing on disk
    }

    private final class Parsed extends DefaultMultipartHttpServletRequest {

        Parsed(HttpServletRequest request) {
            super(request);
        }

        @Override
        protected void initializeMultipart() {
            MultiValueMap<String, MultipartFile> files = new LinkedMultiValueMap<>();
            Map<String, String[]> fields = new LinkedHashMap<>();
            Map<String, String> fieldTypes = new HashMap<>();
            try {
                read(getRequest(), files, fields, fieldTypes);
            } catch (RuntimeException refused) {
                files.clear(); // a failed read leaves no half-read parts, and is not tried again
                fields.clear();
                fieldTypes.clear();
                throw refused;
            } finally {
                setMultipartFiles(files); // copies
                setMultipartParameters(fields);
                setMultipartParameterContentTypes(fieldTypes);
            }
        }
    }

    private void read(
            HttpServletRequest request,
            MultiValueMap<String, MultipartFile> files,
            Map<String, String[]> fields,
            Map<String, String> fieldTypes) {
        long maxFile = limits.maxBodyBytes();
        JakartaServletFileUpload<?, ?> parser = new JakartaServletFileUpload<>();
        parser.setSizeMax(maxFile + ENVELOPE_BYTES);
        parser.setFileSizeMax(maxFile);
        HttpServletRequest bounded = new DeadlineRequest(
                request,
                System.nanoTime() + limits.bodyReadTimeout().toNanos(),
                RequestBodyReader.timeoutMessage(limits));
        int parts = 0;
        try {
            FileItemInputIterator items = parser.getItemIterator(bounded);
            while (items.hasNext()) {
                FileItemInput item = items.next();
                if (++parts > maxParts) {
                    throw new MultipartException(
                            "more than " + maxParts + " multipart parts (resnet.limits.max-parts)");
                }
                String name = item.getFieldName() == null ? "" : item.getFieldName();
                try (InputStream in = item.getInputStream()) {
                    if (item.isFormField()) {
                        byte[] value = in.readNBytes(ENVELOPE_BYTES + 1);
                        if (value.length > ENVELOPE_BYTES) {
                            throw new MultipartException("a multipart field is longer than 64 KB");
                        }
                        fields.merge(
                                name,
                                new String[] {new String(value, charset(item.getContentType()))},
                                BoundedMultipartResolver::concat);
                        if (item.getContentType() != null) {
                            fieldTypes.put(name, item.getContentType());
                        }
                    } else {
                        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxFile + 1));
                        if (bytes.length > maxFile) {
                            throw new MaxUploadSizeExceededException(maxFile);
                        }
                        files.add(name, new Part(name, item.getName(), item.getContentType(), bytes));
                    }
                }
            }
        } catch (FileUploadSizeException tooLarge) {
            throw new MaxUploadSizeExceededException(maxFile, tooLarge);
        } catch (SocketTimeoutException stalled) {
            throw RequestBodyReader.timedOut(limits);
        } catch (IOException malformed) {
            if (malformed.getCause() instanceof FileUploadSizeException tooLarge) {
                throw new MaxUploadSizeExceededException(maxFile, tooLarge);
            }
            throw new MultipartException("the multipart body could not be read", malformed);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static Charset charset(String contentType) {
        try {
            Charset charset = contentType == null
                    ? null
                    : MediaType.parseMediaType(contentType).getCharset();
            return charset == null ? StandardCharsets.UTF_8 : charset;
        } catch (IllegalArgumentException unreadable) {
            return StandardCharsets.UTF_8;
        }
    }

    /** One file part, in memory. */
    private record Part(String name, String originalFilename, String contentType, byte[] bytes)
            implements MultipartFile {

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getOriginalFilename() {
            return originalFilename;
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public boolean isEmpty() {
            return bytes.length == 0;
        }

        @Override
        public long getSize() {
            return bytes.length;
        }

        @Override
        public byte[] getBytes() {
            return bytes.clone();
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public void transferTo(File destination) throws IOException {
            Files.write(destination.toPath(), bytes);
        }
    }
}
