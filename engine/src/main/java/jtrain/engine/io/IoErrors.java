package jtrain.engine.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The user-facing text of a file-system error. Java's {@code AccessDeniedException}, {@code NoSuchFileException} and
 * their kin carry only the path as their message, so "cannot lock runs/x: runs/x" hid that permission was denied;
 * this names the path and the reason.
 */
public final class IoErrors {
    private IoErrors() {}

    /** "PATH: permission denied", "PATH: no such file or folder", ..., else the exception's own message. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException fs && fs.getReason() == null) {
            String reason = switch (e) {
                case AccessDeniedException x -> "permission denied";
                case NoSuchFileException x -> "no such file or folder";
                case FileAlreadyExistsException x -> "already exists (a file where a folder is needed?)";
                case NotDirectoryException x -> "not a folder";
                case DirectoryNotEmptyException x -> "folder not empty";
                default -> null;
            };
            String where = fs.getFile() == null ? "" : fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile());
            if (reason != null) return where.isEmpty() ? reason : where + ": " + reason;
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
