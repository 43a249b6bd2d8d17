"""The synthetic export's columns: per-row facts over the plan, and their SQL per encoding."""

from __future__ import annotations

from survey_export_data import (
    CARD_TAGS,
    CHAT_TEMPLATE,
    DATASETS,
    LANGUAGES,
    LICENCE_FILES,
    QUANTS,
    WEIGHT_FILES,
)
from survey_export_sql import SNAPSHOT, case_index, epoch, sql_list

COLUMNS = (
    "id",
    "createdAt",
    "lastModified",
    "cardData",
    "tags",
    "downloads",
    "downloadsAllTime",
    "likes",
    "library_name",
    "pipeline_tag",
    "baseModels",
    "siblings",
    "config",
    "safetensors",
    "gguf",
)


def _lists(options: tuple[tuple[str, ...], ...]) -> str:
    return "[" + ", ".join(sql_list(o) + "::VARCHAR[]" for o in options) + "]"


def facts_sql() -> str:
    """Per row, from the plan: the facts both encodings share (files, tags, card parts)."""
    card_tags = " ".join(
        f"WHEN '{kind}' THEN list_element({_lists(options)}, "
        f"1 + draw(i, 'ct', {len(options)})::INTEGER)"
        for kind, options in CARD_TAGS.items()
    )
    licence_file = sql_list(name for name, _ in LICENCE_FILES)
    lf_index = case_index("uni(i, 'lfn')", [w for _, w in LICENCE_FILES])
    misc = sql_list(WEIGHT_FILES)
    languages = _lists(LANGUAGES)
    return f"""
    CREATE TEMP VIEW facts AS
    WITH shaped AS (
        SELECT *,
            split_part(id, '/', 2) AS name,
            CASE WHEN params > 5e9 THEN least(30, ceil(params / 4.9e9))::INTEGER ELSE 1 END
                AS shards,
            kind <> 'base' AND license IS NOT NULL AND keyword IS NOT NULL
                AND uni(i, 'tagonly') < 0.003 AS tag_only,
            kind <> 'base' AND license IS NOT NULL AND uni(i, 'listform') < 0.0005 AS list_form,
            kind <> 'base' AND uni(i, 'bad') < 0.00002 AS malformed,
            kind <> 'base' AND uni(i, 'big') < 0.000005 AS oversized,
            CASE WHEN kind = 'base' THEN []::VARCHAR[]
                WHEN qkind = 'gguf' AND uni(i, 'ct') < 0.5 THEN ['llama-cpp', 'gguf-my-repo']
                WHEN qkind = 'mlx' THEN ['mlx'] ELSE CASE kind {card_tags} END END AS card_tags,
            CASE WHEN uni(i, 'ds') < 0.12 THEN list_distinct([
                list_element({sql_list(DATASETS)}, 1 + draw(i, 'ds1', {len(DATASETS)})::INTEGER),
                list_element({sql_list(DATASETS)}, 1 + draw(i, 'ds2', {len(DATASETS)})::INTEGER)
                ]) END AS datasets,
            CASE WHEN uni(i, 'lang') < 0.25 THEN list_element({languages},
                1 + draw(i, 'lg', {len(LANGUAGES)})::INTEGER) END AS language,
            CASE
                WHEN kind = 'base' THEN root_files
                WHEN license IS NOT NULL AND inherited AND uni(i, 'lf') < 0.5 THEN root_files
                WHEN uni(i, 'lf') < CASE WHEN license IS NULL THEN 0.015 ELSE 0.2 END
                    THEN [list_element({licence_file}, {lf_index})]
                ELSE []::VARCHAR[]
            END || CASE WHEN uni(i, 'notice') < 0.01 THEN ['NOTICE'] ELSE []::VARCHAR[] END
                AS licence_files
        FROM plan
    ), filed AS (
        SELECT *,
            CASE WHEN uni(i, 'nosib') < 0.002 AND kind <> 'base' THEN NULL ELSE
            ['.gitattributes']
            || CASE WHEN has_card OR uni(i, 'readme') < 0.4 THEN ['README.md']
                ELSE []::VARCHAR[] END
            || CASE
                WHEN library = 'gguf' THEN list_transform(
                    list_slice({sql_list(QUANTS)}, 1, 1 + draw(i, 'nq', {len(QUANTS)})),
                    lambda q: name || '.' || q || '.gguf')
                WHEN kind = 'adapter' AND dom = 1 THEN ['pytorch_lora_weights.safetensors',
                    'image_0.png', 'image_1.png', 'image_2.png']
                WHEN kind = 'adapter' THEN ['adapter_config.json', 'adapter_model.safetensors',
                    'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json',
                    'training_args.bin']
                WHEN dom = 0 THEN ['config.json', 'generation_config.json', 'tokenizer.json',
                    'tokenizer_config.json', 'special_tokens_map.json']
                    || CASE WHEN shards = 1 THEN ['model.safetensors'] ELSE
                        list_transform(range(1, shards + 1), lambda x: printf(
                            'model-%05d-of-%05d.safetensors', x, shards))
                        || ['model.safetensors.index.json'] END
                WHEN dom = 1 THEN ['model_index.json', 'scheduler/scheduler_config.json',
                    'text_encoder/config.json', 'text_encoder/model.safetensors',
                    'tokenizer/vocab.json', 'unet/config.json',
                    'unet/diffusion_pytorch_model.safetensors', 'vae/config.json',
                    'vae/diffusion_pytorch_model.safetensors']
                WHEN dom = 2 THEN ['config.json', 'model.safetensors', 'tokenizer.json',
                    'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt',
                    'training_args.bin']
                WHEN dom = 3 THEN ['config.json', 'model.safetensors', 'preprocessor_config.json',
                    'tokenizer_config.json', 'vocab.json', 'generation_config.json']
                WHEN dom = 4 THEN ['config.json', 'replay.mp4', 'results.json',
                    split_part(name, '-', 1) || '.zip']
                ELSE [list_element({misc}, 1 + draw(i, 'wf', {len(WEIGHT_FILES)})::INTEGER)]
                    || CASE WHEN uni(i, 'cfg') < 0.5 THEN ['config.json']
                        ELSE []::VARCHAR[] END
            END
            || CASE WHEN kind IN ('finetune', 'adapter') AND uni(i, 'runs') < 0.3 THEN
                list_transform(range(1 + draw(i, 'nruns', 4)), lambda x: printf(
                    'runs/%s_%02d-%02d-%02d_host%d/events.out.tfevents.%d.host%d.%d.0',
                    strftime(make_timestamp(created * 1000000), '%b%d'), x % 24,
                    draw(i, 'rm', 60), draw(i, 'rs', 60), draw(i, 'rh', 900),
                    created + x * 3600, draw(i, 'rh', 900), draw(i, 'rp', 90000)))
                ELSE []::VARCHAR[] END
            || CASE WHEN kind IN ('finetune', 'adapter') AND uni(i, 'ckpt') < 0.04 THEN
                list_transform(range(1, 2 + draw(i, 'nck', 40)),
                    lambda x: 'checkpoint-' || (x * 500)::VARCHAR || '/optimizer.pt')
                || list_transform(range(1, 2 + draw(i, 'nck', 40)),
                    lambda x: 'checkpoint-' || (x * 500)::VARCHAR || '/trainer_state.json')
                ELSE []::VARCHAR[] END
            || CASE WHEN kind <> 'base' AND uni(i, 'huge') < 0.00001 THEN
                list_transform(range(5000), lambda x: printf('data/shard-%05d.bin', x))
                ELSE []::VARCHAR[] END
            || licence_files
            END AS files
        FROM shaped
    )
    SELECT *,
        len(list_filter(files, lambda f: f LIKE '%.safetensors')) > 0 AS has_safetensors,
        list_filter([library,
            CASE WHEN len(list_filter(files, lambda f: f LIKE '%.safetensors')) > 0
                THEN 'safetensors' END,
            model_type, pipeline], lambda x: x IS NOT NULL)
        || card_tags
        || CASE WHEN keyword IS NOT NULL THEN ['license:' || keyword] ELSE []::VARCHAR[] END
        || coalesce(list_transform(parents, lambda p: 'base_model:' || p), [])
        || coalesce(list_transform(parents, lambda p: 'base_model:' || relation || ':' || p), [])
        || coalesce(list_transform(datasets, lambda d: 'dataset:' || d), [])
        || coalesce(language, [])
        || CASE WHEN library = 'transformers' THEN ['endpoints_compatible']
            ELSE []::VARCHAR[] END
        || ['region:us'] AS tags,
        CASE WHEN kind = 'base' THEN downloads // 2000 WHEN uni(i, 'lk') < 0.75 THEN 0
            ELSE least(5000, floor(pow(greatest(uni(i, 'lkn'), 1e-9), -1 / 1.2)) - 1)::BIGINT
        END AS likes,
        created + least({epoch(SNAPSHOT)} - created,
            (-ln(greatest(uni(i, 'mod'), 1e-9)) * 20 * 86400)::BIGINT) AS modified,
        CASE WHEN NOT tag_only THEN license END AS card_license,
        CASE WHEN parents IS NULL THEN NULL
            WHEN len(parents) > 1 OR uni(i, 'bml') < 0.15 THEN 'list' ELSE 'string' END
            AS base_form,
        relation IS NOT NULL AND relation <> 'finetune' AND uni(i, 'rel') < 0.5 AS say_relation,
        library IS NOT NULL AND uni(i, 'cl') < 0.7 AS say_library,
        pipeline IS NOT NULL AND uni(i, 'cp') < 0.5 AS say_pipeline,
        kind = 'finetune' AND uni(i, 'mi') < CASE WHEN dom = 2 THEN 0.5 ELSE 0.2 END
            AS model_index,
        CASE WHEN kind <> 'base' AND inherited AND (license LIKE 'llama%' OR license = 'gemma')
            AND uni(i, 'gate') < 0.3 THEN upper(license) || ' LICENSE AGREEMENT\n\n'
            || repeat('By using the ' || license || ' materials you agree to every term of '
                || 'this agreement and of its acceptable use policy. ', 60) END AS gate_prompt,
        CASE WHEN uni(i, 'widget') < 0.2 THEN 'Example input number '
            || draw(i, 'wx', 1000000)::VARCHAR || ' for ' || name END AS widget,
        CASE WHEN dom = 0 AND (library IN ('transformers', 'mlx', 'gguf') OR kind = 'base')
            THEN replace({sql_list([CHAT_TEMPLATE])}[1], '@', coalesce(model_type, 'chat'))
            END AS chat_template
    FROM filed
    """


def projection_sql(card_encoding: str, siblings: str) -> dict[str, str]:
    """SQL per export column over `facts`, in the order of COLUMNS."""
    stamp = "strftime(make_timestamp({} * 1000000), '%Y-%m-%dT%H:%M:%S.000Z')"
    arch = (
        "upper(model_type[1]) || model_type[2:] || CASE pipeline "
        "WHEN 'text-generation' THEN 'ForCausalLM' "
        "WHEN 'automatic-speech-recognition' THEN 'ForConditionalGeneration' "
        "WHEN 'fill-mask' THEN 'ForMaskedLM' "
        "WHEN 'text-classification' THEN 'ForSequenceClassification' ELSE 'Model' END"
    )
    has_config = (
        "library IN ('transformers', 'sentence-transformers', 'mlx') AND model_type IS NOT NULL"
    )
    dtype = "CASE WHEN dom IN (2, 3) THEN 'F32' ELSE 'BF16' END"
    context = "list_element([4096, 8192, 32768, 131072], 1 + draw(i, 'ctx', 4)::INTEGER)"
    oversized = "repeat('Read and accept the terms before using the model. ', 1400)"
    models = "list_transform(parents, lambda p: {'id': p})"
    if card_encoding == "json":
        fragments = [
            "CASE WHEN card_license IS NOT NULL THEN '\"license\":' || CASE WHEN list_form "
            "THEN to_json([card_license, CASE WHEN card_license = 'mit' THEN 'apache-2.0' "
            "ELSE 'mit' END]) ELSE to_json(card_license) END END",
            "CASE WHEN card_license IS NOT NULL AND license_name IS NOT NULL "
            "THEN '\"license_name\":' || to_json(license_name) END",
            "CASE WHEN card_license IS NOT NULL AND license_link IS NOT NULL "
            "THEN '\"license_link\":' || to_json(license_link) END",
            "CASE base_form WHEN 'list' THEN '\"base_model\":' || to_json(parents) "
            "WHEN 'string' THEN '\"base_model\":' || to_json(parents[1]) END",
            "CASE WHEN say_relation THEN '\"base_model_relation\":' || to_json(relation) END",
            "CASE WHEN say_library THEN '\"library_name\":' || to_json(library) END",
            "CASE WHEN say_pipeline THEN '\"pipeline_tag\":' || to_json(pipeline) END",
            "CASE WHEN len(card_tags) > 0 THEN '\"tags\":' || to_json(card_tags) END",
            "CASE WHEN datasets IS NOT NULL THEN '\"datasets\":' || to_json(datasets) END",
            "CASE WHEN language IS NOT NULL THEN '\"language\":' || to_json(language) END",
            'CASE WHEN model_index THEN \'"model-index":[{"name":\' || to_json(name) || '
            '\',"results":[{"task":{"type":\' || to_json(coalesce(pipeline, \'other\')) || '
            "'},\"dataset\":{\"name\":' || to_json(coalesce(datasets[1], 'custom')) || "
            "',\"type\":' || to_json(coalesce(datasets[1], 'custom')) || '},\"metrics\":["
            '{"type":"accuracy","value":\' || round(0.5 + 0.5 * uni(i, \'acc\'), 4)::VARCHAR '
            '|| \',"name":"Accuracy","verified":false},{"type":"f1","value":\' || '
            'round(0.5 + 0.5 * uni(i, \'f1\'), 4)::VARCHAR || \',"name":"F1","verified":false}'
            "]}]}]' END",
            'CASE WHEN widget IS NOT NULL THEN \'"widget":[{"text":\' || to_json(widget) '
            "|| '}]' END",
            f"CASE WHEN oversized OR gate_prompt IS NOT NULL THEN '\"extra_gated_prompt\":' "
            f"|| to_json(CASE WHEN oversized THEN {oversized} ELSE gate_prompt END) END",
        ]
        card = (
            "'{' || array_to_string(list_filter(["
            + ", ".join(fragments)
            + "], lambda x: x IS NOT NULL), ',') || '}'"
        )
        card_data = (
            f"CASE WHEN NOT has_card THEN NULL WHEN malformed THEN left({card}, "
            f"len({card}) // 2) ELSE {card} END"
        )
        base_models = (
            "CASE WHEN parents IS NOT NULL THEN '{\"relation\":' || to_json(relation) || "
            f"',\"models\":' || to_json({models}) || '}}' END"
        )
        config = (
            f"CASE WHEN library = 'gguf' THEN '{{}}' WHEN {has_config} THEN "
            f"'{{\"architectures\":[' || to_json({arch}) || '],\"model_type\":' || "
            "to_json(model_type) || CASE WHEN chat_template IS NOT NULL THEN "
            '\',"tokenizer_config":{"bos_token":"<s>","eos_token":"</s>",\' || '
            "'\"chat_template\":' || to_json(chat_template) || '}' ELSE '' END || '}' END"
        )
        safetensors = (
            f"CASE WHEN has_safetensors THEN '{{\"parameters\":{{\"' || {dtype} || '\":' || "
            "params::VARCHAR || '},\"total\":' || params::VARCHAR || '}' END"
        )
        gguf = (
            "CASE WHEN library = 'gguf' THEN '{\"total\":' || params::VARCHAR || "
            "',\"architecture\":' || to_json(coalesce(model_type, 'llama')) || "
            f"',\"context_length\":' || {context}::VARCHAR || "
            '\',"bos_token":"<s>","eos_token":"</s>","chat_template":\' || '
            "to_json(coalesce(chat_template, '')) || '}' END"
        )
    else:
        card_data = (
            "CASE WHEN has_card THEN {'license': card_license, 'license_name': CASE WHEN "
            "card_license IS NOT NULL THEN license_name END, 'license_link': CASE WHEN "
            "card_license IS NOT NULL THEN license_link END, 'base_model': parents, "
            "'base_model_relation': CASE WHEN say_relation THEN relation END, "
            "'library_name': CASE WHEN say_library THEN library END, "
            "'pipeline_tag': CASE WHEN say_pipeline THEN pipeline END, "
            "'tags': CASE WHEN len(card_tags) > 0 THEN card_tags END, 'datasets': datasets, "
            "'language': language, 'widget': CASE WHEN widget IS NOT NULL THEN "
            "[{'text': widget}] END, 'extra_gated_prompt': CASE WHEN oversized THEN "
            f"{oversized} ELSE gate_prompt END}} END"
        )
        base_models = (
            f"CASE WHEN parents IS NOT NULL THEN {{'relation': relation, 'models': {models}}} END"
        )
        config = (
            f"CASE WHEN library = 'gguf' OR ({has_config}) THEN {{'architectures': CASE WHEN "
            f"{has_config} THEN [{arch}] END, 'model_type': model_type, 'tokenizer_config': "
            "CASE WHEN chat_template IS NOT NULL THEN {'bos_token': '<s>', 'eos_token': '</s>', "
            "'chat_template': chat_template} END} END"
        )
        safetensors = (
            f"CASE WHEN has_safetensors THEN {{'parameters': MAP([{dtype}], [params]), "
            "'total': params} END"
        )
        gguf = (
            "CASE WHEN library = 'gguf' THEN {'total': params, 'architecture': "
            f"coalesce(model_type, 'llama'), 'context_length': {context}, 'bos_token': '<s>', "
            "'eos_token': '</s>', 'chat_template': coalesce(chat_template, '')} END"
        )
    sibling_list = (
        "files" if siblings == "names" else "list_transform(files, lambda f: {'rfilename': f})"
    )
    return {
        "id": "id",
        "createdAt": stamp.format("created"),
        "lastModified": stamp.format("modified"),
        "cardData": card_data,
        "tags": "tags",
        "downloads": "downloads",
        "downloadsAllTime": (
            "downloads + (downloads * 6 * uni(i, 'dat'))::BIGINT + draw(i, 'dat2', 50)"
        ),
        "likes": "likes",
        "library_name": "library",
        "pipeline_tag": "pipeline",
        "baseModels": base_models,
        "siblings": sibling_list,
        "config": config,
        "safetensors": safetensors,
        "gguf": gguf,
    }
