"""Resources: loaded models shared on purpose between knowledge bases (no module-level cache)."""

import threading

from nekb.embed import HashEmbedder
from nekb.resources import Resources


def test_each_tool_is_made_once_per_resources_and_not_shared_across_them():
    resources = Resources()
    assert resources.embedder("hash") is resources.embedder("hash")
    assert resources.analyzer.segmenter is resources.segmenter
    assert resources.normalizer is resources.normalizer
    assert Resources().embedder("hash") is not resources.embedder("hash")


def test_an_embedder_instance_is_used_as_given():
    embedder = HashEmbedder(dim=16)
    assert Resources().embedder(embedder) is embedder


def test_threads_get_one_segmenter():
    resources = Resources()
    made = []
    threads = [threading.Thread(target=lambda: made.append(resources.segmenter)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(s) for s in made}) == 1
