"""question_form: a question's search form, and the question without the subject it shares with a title."""

from nekb.question_form import CharFolder, subject_free_text


def test_char_folder_matches_the_search_form():
    folder = CharFolder()
    assert folder.fold("國立交通大學ＡＢ") == "国立交通大学ab"


def test_subject_free_text_cuts_the_subject_the_question_shares_with_the_title():
    folder = CharFolder()
    assert subject_free_text("夜来香的种子有什么特点？", "夜来香", folder) == "的种子有什么特点？"
    # Compared in either script; the cut is made in the question as asked.
    assert subject_free_text("夜來香的種子有什麼特點？", "夜来香 (萝藦科)", folder) == "的種子有什麼特點？"
    assert subject_free_text("该漫画是由谁创作的？", "夜来香", folder) is None  # no subject named
    assert subject_free_text("夜来香？", "夜来香", folder) is None  # nothing asked beyond it
