package io.github.harbordt.harbor;

/** 404: the project, repository or artifact went away between listing and reading it. */
public class HarborNotFoundException extends HarborException {
    public HarborNotFoundException(String message) {
        super(message, 404);
    }
}
