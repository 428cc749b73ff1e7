# Monthly vacancies: posted by registered employers, and filled by clients of the employment
# services, alongside job starts (means over replications).  Drawn only with a labour market.
# $data columns: month (YYYY-MM), vacancies posted, vacancies filled by clients, job starts.
set title title noenhanced
set xdata time
set timefmt "%Y-%m"
set format x "%b\n%Y"
set xlabel "Month (calendar)"
set ylabel "Vacancies or jobs in the month"
set key top left opaque box
set grid ytics
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
plot $data using 1:2 with lines lw 2 title "Vacancies posted", \
     $data using 1:3 with lines lw 2 title "Filled by clients", \
     $data using 1:4 with lines lw 1 dt 2 title "Job starts"
