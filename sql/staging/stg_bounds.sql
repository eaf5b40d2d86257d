-- Plausibility bounds as typed rows (rows that passed validation); no usual band given means the whole range.
with source as (
    select * from valid.bounds
),

typed as (
    select
        measure_type,
        unit,
        indicator_code,
        cast(min_value as double) as min_value,
        cast(max_value as double) as max_value,
        cast(coalesce(usual_min, min_value) as double) as usual_min,
        cast(coalesce(usual_max, max_value) as double) as usual_max,
        whole_only = 'true' as whole_only,
        note
    from source
)

select * from typed
