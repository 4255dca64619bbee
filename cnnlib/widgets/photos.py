"""The photo a photo explorer shows: a bundled sample, or the learner's own.

A photo explorer's ``image`` argument takes a sample's name, a numpy array, a file path or a
file's bytes (see ``images.open_photo``); its "image" dropdown lists the samples and the photos
added so far, and an upload button beside it adds a PNG or JPEG from the learner's computer.
A photo that cannot be used (a damaged file, another format, too small, 16-bit) leaves the
explorer as it was and shows one line saying why; a large one is scaled down, and the info line
says so.
"""

from __future__ import annotations

import html

from cnnlib.core import images
from cnnlib.text.i18n import t

from .controls import dropdown, upload_button

__all__ = ["PhotoChoice", "watch_upload"]


def watch_upload(upload, add, explorer) -> None:
    """The one upload handler: each file chosen with ``upload`` goes to ``add(content, name)``
    (its bytes and file name); a ValueError it raises (a photo that cannot be used) is shown in
    the explorer, which stays as it was. The button is emptied, so the same file can be chosen
    again."""
    def on_upload(change):
        files = change["new"]
        if not files:
            return
        f = files[-1]
        try:
            add(bytes(f["content"]), f["name"])
        except ValueError as err:
            explorer.show_message(str(err))
        finally:
            upload.value = ()

    upload.observe(on_upload, names="value")


class PhotoChoice:
    """The "image" dropdown and the upload button of one explorer, and the photos behind them.

    ``first_error`` is the message for an ``image`` argument that could not be used (the
    explorer then starts on ``options[0]``); ``connect(explorer)`` makes the upload button work.
    """

    def __init__(self, image, options, **dropdown_kwargs):
        self.samples = list(options)
        self.options = list(options)
        self.first_error = ""
        try:
            name = images.add_photo(image)
        except ValueError as err:
            name, self.first_error = self.options[0], str(err)
        self.dropdown = dropdown("image", self.samples, self.samples[0], **dropdown_kwargs)
        if name not in self.options:
            self.options.insert(0, name)
            self.dropdown.options = self._labelled()
        self.dropdown.value = name
        self.upload = upload_button("upload PNG/JPEG")
        self.explorer = None

    def _labelled(self) -> list:
        """(label, name) pairs: the samples' names translated, the learner's file names not."""
        return [(t(o) if o in self.samples else o, o) for o in self.options]

    def connect(self, explorer) -> None:
        self.explorer = explorer
        watch_upload(self.upload, lambda content, name: self.add(content, name=name), explorer)
        if self.first_error:
            explorer.show_message(self.first_error)

    def add(self, photo, name: str | None = None) -> str:
        """Add a photo (anything ``images.open_photo`` takes) and show it; return its name.
        A ValueError (a photo that cannot be used) is shown in the explorer, then re-raised."""
        try:
            label = images.add_photo(photo, name=name)
        except ValueError as err:
            if self.explorer is not None:
                self.explorer.show_message(str(err))
            raise
        if label not in self.options:
            # Newest first: a new options list selects its first entry, so this is one change
            # (one redraw, with the explorer's slider ranges fitted to the new photo).
            self.options.insert(0, label)
            self.dropdown.options = self._labelled()
        elif self.dropdown.value == label and self.explorer is not None:
            self.explorer.refresh()
        else:
            self.dropdown.value = label
        return label

    def note(self, name: str) -> str:
        """The info line's prefix for the learner's photo ``name``: what was done to it."""
        photo = images.own_photo(name)
        if photo is None:
            return ""
        notes = []
        if photo.scaled:
            (h0, w0), (h, w) = photo.original_shape, photo.pixels.shape[:2]
            notes.append(t("scaled down from {h0}×{w0} to {h}×{w} pixels (the explorers work "
                           "on at most {side} a side)", h0=h0, w0=w0, h=h, w=w,
                           side=images.MAX_SIDE))
        if photo.see_through:
            notes.append(t("transparent parts shown on white"))
        return f"<i>{html.escape('; '.join(notes))}</i><br>" if notes else ""
