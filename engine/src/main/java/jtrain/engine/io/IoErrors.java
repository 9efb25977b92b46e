package jtrain.engine.io;

import java.io.File;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The user-facing text of a file-system error. Java's {@code AccessDeniedException}, {@code NoSuchFileException} and
 * their kin carry only the path as their message, so "cannot lock runs/x: runs/x" hid that permission was denied;
 * this names the path and the reason, and names it once when the caller knows the path too.
 */
public final class IoErrors {
    private IoErrors() {}

    /** "PATH: permission denied", "PATH: no such file or folder", ..., else the exception's own message. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException fs && fs.getFile() != null) {
            String where = fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile());
            return where + ": " + reason(e);
        }
        return reason(e);
    }

    /**
     * "PATH: reason" for a failure while working on subject (a file, or a folder whose files were being read or
     * written), naming each path once: the file the error is about when that is subject or inside it (so
     * "DIR/vocab.txt: permission denied", not "DIR: DIR/vocab.txt: ..."), else subject and then the other path.
     */
    public static String describe(Path subject, IOException e) {
        if (e instanceof FileSystemException fs && fs.getFile() != null) {
            return isWithin(fs.getFile(), subject) ? describe(e) : subject + ": " + describe(e);
        }
        String message = reason(e); // an IOException of our own may already start with the path, or one inside it
        boolean named = message.startsWith(subject + ":") || message.startsWith(subject + File.separator);
        return named ? message : subject + ": " + message;
    }

    /** What went wrong, without the path: "permission denied", "No space left on device", "disk on fire". */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException fs) {
            if (fs.getReason() != null) return fs.getReason();
            String reason = switch (e) {
                case AccessDeniedException x -> "permission denied";
                case NoSuchFileException x -> "no such file or folder";
                case FileAlreadyExistsException x -> "already exists (a file where a folder is needed?)";
                case NotDirectoryException x -> "not a folder";
                case DirectoryNotEmptyException x -> "folder not empty";
                default -> "file-system error (" + e.getClass().getSimpleName() + ")";
            };
            return reason;
        }
        // Files.readString reports a bad byte as "Input length = 1".
        if (e instanceof CharacterCodingException) return "not valid UTF-8 (convert the file to UTF-8)";
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static boolean isWithin(String file, Path folder) {
        try {
            return Path.of(file).startsWith(folder);
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
